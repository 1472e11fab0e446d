package io.jworkers.runtime.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.http.DateTime;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.RequestException;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Headers;
import io.jworkers.api.Headers;
import io.jworkers.api.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One HTTP/1.0 request on a connection Helidon did not take (see {@link OtherVersionsSelector}),
 * and its response. HTTP/1.0 is what nginx's {@code proxy_pass}, ApacheBench and many health
 * checkers speak. Its rules (RFC 9112 §9.3, RFC 1945): the connection closes after the response
 * unless the request asked {@code Connection: keep-alive}, and then only if the response has a
 * {@code Content-Length} (a streamed body of unknown length ends with the close: HTTP/1.0 has no
 * chunked encoding, so a request with {@code Transfer-Encoding} is refused too). The response
 * says {@code HTTP/1.1}, as nginx and Apache do: the highest version the server speaks
 * (RFC 9110 §6.2), which every HTTP/1.0 client reads.
 */
final class Http10Exchange {

    private final ConnectionContext ctx;
    private final HttpPrologue prologue;
    private final ServerRequestHeaders headers;
    private final boolean keepAliveAsked;
    private final LengthBody body;

    private Http10Exchange(ConnectionContext ctx, HttpPrologue prologue, ServerRequestHeaders headers,
            boolean keepAliveAsked, LengthBody body) {
        this.ctx = ctx;
        this.prologue = prologue;
        this.headers = headers;
        this.keepAliveAsked = keepAliveAsked;
        this.body = body;
    }

    /**
     * Reads the headers of a request whose line was read.
     *
     * @param ctx the connection
     * @param line the request line
     * @param maxHeaderBytes the header block the ingress accepts (Helidon reads up to four times
     *     as much, so that the ingress can answer 431 with the size)
     * @param maxBodyBytes the largest body accepted
     * @return the exchange
     * @throws Refused if the request cannot be served; the connection then closes
     */
    static Http10Exchange read(ConnectionContext ctx, RequestLine line, int maxHeaderBytes, long maxBodyBytes)
            throws Refused {
        HttpPrologue prologue;
        try {
            prologue = HttpPrologue.create("HTTP/1.0", "HTTP", "1.0", Method.create(line.method()), line.target(), true);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "Bad Request: invalid request target: " + e.getMessage());
        }
        WritableHeaders<?> headers;
        try {
            headers = new Http1Headers(ctx.dataReader(), IngressServer.HEADER_HEADROOM * maxHeaderBytes, true)
                    .readHeaders(prologue);
        } catch (RequestException e) {
            throw e.getCause() instanceof IllegalStateException
                    ? new Refused(431, "Request headers are more than the " + maxHeaderBytes + " bytes allowed")
                    : new Refused(400, "Bad Request: invalid header: " + e.getMessage());
        }
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            throw new Refused(400, "Bad Request: an HTTP/1.0 request cannot have Transfer-Encoding; send Content-Length");
        }
        long length;
        try {
            length = headers.contentLength().orElse(0);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "Bad Request: invalid Content-Length: " + e.getMessage());
        }
        if (length < 0) {
            throw new Refused(400, "Bad Request: invalid Content-Length: " + length);
        }
        if (length > maxBodyBytes) {
            throw new Refused(413, "Request Entity Too Large: the body is " + length + " bytes, more than the "
                    + maxBodyBytes + " allowed");
        }
        boolean keepAlive = headers.containsToken(HeaderValues.CONNECTION_KEEP_ALIVE)
                && !headers.containsToken(HeaderValues.CONNECTION_CLOSE);
        return new Http10Exchange(ctx, prologue, ServerRequestHeaders.create(headers), keepAlive,
                length == 0 ? null : new LengthBody(ctx.dataReader(), length));
    }

    HttpPrologue prologue() {
        return prologue;
    }

    ServerRequestHeaders headers() {
        return headers;
    }

    ConnectionContext connection() {
        return ctx;
    }

    /**
     * The request body, read from the connection as the worker reads it.
     *
     * @return the body, or {@code null} if the request has none
     */
    InputStream body() {
        return body;
    }

    /**
     * Writes a worker's response.
     *
     * @param response the response
     * @param requestId the request id, sent as {@code x-request-id}
     * @param mayKeepAlive whether the host would keep the connection (not when draining)
     * @return whether the connection stays open: the client asked for it, the response has a
     *     length and the request body was read to its end
     * @throws IllegalArgumentException if a header value of the worker's is invalid (nothing was written)
     */
    boolean send(Response response, String requestId, boolean mayKeepAlive) {
        int status = response.status();
        boolean bodyless = status < 200 || status == 204 || status == 304;
        byte[] bytes = null;
        InputStream stream = null;
        if (!bodyless && response.hasBody()) {
            if (response.knownLength() >= 0) {
                bytes = response.bytes();
            } else {
                stream = response.stream();
            }
        }
        boolean keepAlive = mayKeepAlive && keepAliveAsked && stream == null && (body == null || body.remaining == 0);
        StringBuilder head = statusLine(status);
        Headers values = response.headers();
        for (String name : values.names()) {
            if (!HttpMessages.HOP_BY_HOP.contains(name)) {
                List<String> all = values.all(name);
                HttpMessages.checkValues(name, all);
                for (String value : all) {
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            }
        }
        head.append(RequestIds.HEADER).append(": ").append(requestId).append("\r\n");
        if (!bodyless && stream == null) {
            head.append("Content-Length: ").append(bytes == null ? 0 : bytes.length).append("\r\n");
        }
        head.append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        boolean withBody = prologue.method() != Method.HEAD;
        DataWriter writer = ctx.dataWriter();
        BufferData headBytes = BufferData.create(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (bytes != null && withBody) {
            writer.writeNow(headBytes, BufferData.create(bytes));
        } else {
            writer.writeNow(headBytes);
        }
        if (stream != null) {
            try (InputStream source = stream) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; withBody && (n = source.read(buffer)) >= 0; ) {
                    writer.writeNow(BufferData.create(buffer, 0, n));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Streaming the response body failed: " + e.getMessage(), e);
            }
        }
        return keepAlive;
    }

    /**
     * Writes a short text answer of the host's own and marks the connection for closing.
     *
     * @param ctx the connection
     * @param status the status
     * @param text the body
     */
    static void writeSimple(ConnectionContext ctx, int status, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = statusLine(status)
                .append("Content-Type: text/plain;charset=UTF-8\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n\r\n");
        ctx.dataWriter().writeNow(BufferData.create(head.toString().getBytes(StandardCharsets.ISO_8859_1)),
                BufferData.create(body));
    }

    private static StringBuilder statusLine(int status) {
        return new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(HttpMessages.statusOf(status).reasonPhrase()).append("\r\n")
                .append("Date: ").append(DateTime.rfc1123String()).append("\r\n");
    }

    /** A request that is answered with an error of the host's own, after which the connection closes. */
    static final class Refused extends Exception {

        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** A body of a known length, read from the connection. */
    private static final class LengthBody extends InputStream {

        private final DataReader reader;
        private long remaining;

        LengthBody(DataReader reader, long length) {
            this.reader = reader;
            this.remaining = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            reader.ensureAvailable();
            int count = (int) Math.min(Math.min(length, reader.available()), remaining);
            System.arraycopy(reader.readBytes(count), 0, buffer, offset, count);
            remaining -= count;
            return count;
        }

        @Override
        public int available() {
            return (int) Math.min(reader.available(), remaining);
        }
    }
}
