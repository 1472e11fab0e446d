package io.jworkers.runtime.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Takes the connections whose first line is a request line of another version than HTTP/1.1,
 * which Helidon 4.5 would close without a byte: its HTTP/1.1 selector wants the line to end in
 * {@code HTTP/1.1}, and no other selector wants it. Asked only after Helidon's (see
 * {@link GuardedListener}), so HTTP/1.1 connections never come here. HTTP/1.0 is served (by the
 * ingress), any other version gets 505; a first line that is not a request line at all is left
 * to the close, as before.
 */
final class OtherVersionsSelector implements ServerConnectionSelector {

    private static final byte LF = '\n';

    private final int maxRequestLineBytes;
    private final Http10Service http10;

    /**
     * Creates the selector.
     *
     * @param maxRequestLineBytes the longest request line read
     * @param http10 serves HTTP/1.0 requests; {@code null} answers them 505 too
     */
    OtherVersionsSelector(int maxRequestLineBytes, Http10Service http10) {
        this.maxRequestLineBytes = maxRequestLineBytes;
        this.http10 = http10;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        int lf = data.indexOf(LF);
        if (lf < 0) {
            return data.available() < maxRequestLineBytes ? Support.UNKNOWN : Support.UNSUPPORTED;
        }
        String line = data.readString(lf, StandardCharsets.ISO_8859_1);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        return RequestLine.parse(line) != null ? Support.SUPPORTED : Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new OtherVersionsConnection(ctx, maxRequestLineBytes, http10);
    }

    /** Serves one HTTP/1.0 request whose request line was read. */
    @FunctionalInterface
    interface Http10Service {

        /**
         * Reads the rest of the request, serves it and writes the response.
         *
         * @param ctx the connection
         * @param line the request line, version {@code HTTP/1.0}
         * @return whether the connection stays open for another request
         */
        boolean serve(ConnectionContext ctx, RequestLine line);
    }
}
