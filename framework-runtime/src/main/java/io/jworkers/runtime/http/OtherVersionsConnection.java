package io.jworkers.runtime.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A connection that began with a request line of another version than HTTP/1.1 (see
 * {@link OtherVersionsSelector}). HTTP/1.0 requests are served one after another for as long as
 * the client keeps the connection alive; any other version gets {@code 505 HTTP Version Not
 * Supported} and the connection closes, as does a line that is too long (414) or badly ended (400).
 */
final class OtherVersionsConnection implements ServerConnection {

    private final ConnectionContext ctx;
    private final int maxRequestLineBytes;
    private final OtherVersionsSelector.Http10Service http10;
    private volatile Thread thread;
    private volatile boolean canRun = true;
    private volatile boolean waiting;
    private volatile long lastActivity = System.nanoTime();

    OtherVersionsConnection(ConnectionContext ctx, int maxRequestLineBytes, OtherVersionsSelector.Http10Service http10) {
        this.ctx = ctx;
        this.maxRequestLineBytes = maxRequestLineBytes;
        this.http10 = http10;
    }

    @Override
    public void handle(Limit limit) {
        thread = Thread.currentThread();
        DataReader reader = ctx.dataReader();
        boolean first = true;
        while (canRun) {
            String text;
            waiting = true;
            try {
                int end = reader.findNewLine(maxRequestLineBytes);
                if (end == maxRequestLineBytes) {
                    Http10Exchange.writeSimple(ctx, 414, "URI Too Long: the request line is longer than the "
                            + maxRequestLineBytes + " bytes allowed\n");
                    return;
                }
                text = new String(reader.readBytes(end), StandardCharsets.ISO_8859_1);
                reader.skip(2);
            } catch (DataReader.IncorrectNewLineException e) {
                Http10Exchange.writeSimple(ctx, 400, "Bad Request: the request line must end with CRLF\n");
                return;
            } catch (DataReader.InsufficientDataAvailableException closed) {
                return;
            } finally {
                waiting = false;
            }
            lastActivity = System.nanoTime();
            RequestLine line = RequestLine.parse(text);
            if (line == null) {
                if (!first) {
                    Http10Exchange.writeSimple(ctx, 400, "Bad Request: not a request line\n");
                }
                return;
            }
            first = false;
            if (http10 == null || !line.version().equals("HTTP/1.0")) {
                Http10Exchange.writeSimple(ctx, 505, "HTTP Version Not Supported: this host speaks "
                        + (http10 == null ? "HTTP/1.1" : "HTTP/1.1 and HTTP/1.0") + ", not " + line.versionName() + "\n");
                return;
            }
            if (!http10.serve(ctx, line)) {
                return;
            }
            lastActivity = System.nanoTime();
        }
    }

    @Override
    public Duration idleTime() {
        return waiting ? Duration.ofNanos(System.nanoTime() - lastActivity) : Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        canRun = false;
        Thread running = thread;
        if (running != null && (interrupt || waiting)) {
            running.interrupt();
        }
    }
}
