package io.jworkers.runtime.http;

import io.jworkers.runtime.pipeline.Pipeline;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * One line per public request: method, path, status, time, request id and the workers the
 * request passed through with the time spent in each (fetch hops; RPC hops are listed untimed).
 * Query strings are left out: they often carry tokens. The line is built with one
 * {@link StringBuilder} (it is logged for every request, so no {@code String.format}).
 *
 * <p>Where the lines go is a setting of the listener ({@link IngressSettings#accessLog()}):
 * {@link #CONSOLE}, the default, logs them to the {@value #LOGGER_NAME} logger (whose level
 * decides whether they are written); {@link #OFF} writes none and builds none; {@link #to} hands
 * them to a writer of the caller's (the CLI's access log file).
 */
public final class AccessLog {

    /** The logger the lines are logged to (and whose level decides whether they are). */
    public static final String LOGGER_NAME = "jworkers.ingress";

    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);
    private static volatile Consumer<CharSequence> consoleWriter;

    /** Lines logged to the {@value #LOGGER_NAME} logger, or to the process's console writer ({@link #writeTo}). */
    public static final AccessLog CONSOLE = new AccessLog("console", null);

    /** No lines at all. */
    public static final AccessLog OFF = new AccessLog("off", null);

    private final String name;
    private final Consumer<CharSequence> lines;

    private AccessLog(String name, Consumer<CharSequence> lines) {
        this.name = name;
        this.lines = lines;
    }

    /**
     * Lines handed to a writer, whatever the logger's level.
     *
     * @param name what the destination is called in messages, e.g. the file's path
     * @param lines takes each line's message ({@code GET /notes 200 …}); called on the request's
     *     thread, so it must not wait for I/O
     * @return the access log
     */
    public static AccessLog to(String name, Consumer<CharSequence> lines) {
        return new AccessLog(name, java.util.Objects.requireNonNull(lines, "lines"));
    }

    /**
     * Sends the {@link #CONSOLE} lines to a writer instead of logging records, for a process whose
     * logging setup writes them to the same place anyway (the CLI's); the logger's level still applies.
     *
     * @param lines takes each line's message ({@code GET /notes 200 …}), or {@code null} to log records again
     */
    public static void writeTo(Consumer<CharSequence> lines) {
        consoleWriter = lines;
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Logs a request's line, e.g. {@code GET /notes 200 1.3ms id=… workers=gateway:1.2ms>auth:0.1ms}.
     *
     * @param pipeline the pipeline that served it, or {@code null} when no worker was reached ({@code workers=-})
     */
    void log(String method, String path, int status, long startNanos, String requestId, Pipeline pipeline) {
        if (this == OFF || lines == null && !LOG.isLoggable(Level.INFO)) {
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
        Consumer<CharSequence> writer = lines != null ? lines : consoleWriter;
        if (writer != null) {
            writer.accept(line);
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
