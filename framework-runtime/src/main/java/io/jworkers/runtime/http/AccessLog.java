package io.jworkers.runtime.http;

import io.jworkers.runtime.pipeline.Pipeline;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * One line per public request: method, path, status, time, request id and the workers the
 * request passed through with the time spent in each (fetch hops; RPC hops are listed untimed).
 * Query strings are left out: they often carry tokens. The line is built with one
 * {@link StringBuilder} (it is logged for every request, so no {@code String.format}).
 */
public final class AccessLog {

    /** The logger the lines are logged to (and whose level decides whether they are). */
    public static final String LOGGER_NAME = "jworkers.ingress";

    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);
    private static volatile Consumer<CharSequence> writer;

    private AccessLog() {
    }

    /**
     * Sends the lines to a writer instead of logging records, for a process whose logging setup
     * writes them to the same place anyway (the CLI's); the logger's level still applies.
     *
     * @param lines takes each line's message ({@code GET /notes 200 …}), or {@code null} to log records again
     */
    public static void writeTo(Consumer<CharSequence> lines) {
        writer = lines;
    }

    /**
     * Logs a request's line, e.g. {@code GET /notes 200 1.3ms id=… workers=gateway:1.2ms>auth:0.1ms}.
     *
     * @param pipeline the pipeline that served it, or {@code null} when no worker was reached ({@code workers=-})
     */
    static void log(String method, String path, int status, long startNanos, String requestId, Pipeline pipeline) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        long nanos = System.nanoTime() - startNanos;
        StringBuilder line = new StringBuilder(96 + path.length() + requestId.length())
                .append(method).append(' ').append(path).append(' ').append(status).append(' ');
        appendMillis(line, nanos);
        line.append("ms id=").append(requestId).append(" workers=");
        if (pipeline == null) {
            line.append('-');
        } else {
            pipeline.describeWorkers(line);
        }
        Consumer<CharSequence> lines = writer;
        if (lines != null) {
            lines.accept(line);
        } else {
            LOG.log(Level.INFO, line.toString());
        }
    }

    // As String.format("%.1f", nanos / 1e6) would print it (half up), without the formatter.
    static void appendMillis(StringBuilder line, long nanos) {
        long tenths = (Math.max(nanos, 0) + 50_000) / 100_000;
        line.append(tenths / 10).append('.').append((char) ('0' + tenths % 10));
    }
}
