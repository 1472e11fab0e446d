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
    private static volatile Lines consoleWriter;

    /** Lines logged to the {@value #LOGGER_NAME} logger, or to the process's console writer ({@link #writeTo}). */
    public static final AccessLog CONSOLE = new AccessLog("console", null);

    /** No lines at all. */
    public static final AccessLog OFF = new AccessLog("off", null);

    private final String name;
    private final Lines lines;

    private AccessLog(String name, Lines lines) {
        this.name = name;
        this.lines = lines;
    }

    /**
     * Lines handed to a writer that starts each line itself, whatever the logger's level.
     *
     * @param name what the destination is called in messages, e.g. the file's path
     * @param lines the writer
     * @return the access log
     */
    public static AccessLog to(String name, Lines lines) {
        return new AccessLog(name, java.util.Objects.requireNonNull(lines, "lines"));
    }

    /**
     * Sends the {@link #CONSOLE} lines to a writer that starts each line itself (time, level,
     * logger), so that a line is built once, in place; the logger's level still applies.
     *
     * @param lines the writer, or {@code null} to log records again
     */
    public static void writeTo(Lines lines) {
        consoleWriter = lines;
    }

    /**
     * A writer of whole access lines. The line is built in one {@link StringBuilder}: the writer
     * appends its start, the access log the message, and the writer takes the builder as it is
     * (no copy into a string of its own). Both run on the request's thread, so neither may wait for I/O.
     */
    public interface Lines {

        /**
         * Appends what precedes the message on a line, e.g. {@code 2026-11-30T11:59:19.156Z INFO  ingress }.
         *
         * @param line the empty line
         */
        void start(StringBuilder line);

        /**
         * Takes a finished line: the start, then the message ({@code GET /notes 200 …}), without a
         * line separator. The builder is the writer's from now on.
         *
         * @param line the line
         */
        void write(StringBuilder line);

        /**
         * A writer that takes only the message.
         *
         * @param messages takes each line's message
         * @return the writer
         */
        static Lines of(Consumer<CharSequence> messages) {
            java.util.Objects.requireNonNull(messages, "messages");
            return new Lines() {
                @Override
                public void start(StringBuilder line) {
                }

                @Override
                public void write(StringBuilder line) {
                    messages.accept(line);
                }
            };
        }
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
        log(method, path, status, startNanos, System.nanoTime(), requestId, pipeline);
    }

    /**
     * Logs a request's line as {@link #log(String, String, int, long, String, Pipeline)} does, with
     * the end of the request read by the caller (who needs the same reading for its metrics: a
     * clock read is tens of nanoseconds on a virtual machine).
     *
     * @param endNanos when the response was sent ({@link System#nanoTime()})
     */
    void log(String method, String path, int status, long startNanos, long endNanos, String requestId,
            Pipeline pipeline) {
        if (this == OFF || lines == null && !LOG.isLoggable(Level.INFO)) {
            return;
        }
        long nanos = endNanos - startNanos;
        Lines writer = lines != null ? lines : consoleWriter;
        // Sized for a typical line: its start (about 40 characters), the message and four workers.
        StringBuilder line = new StringBuilder(160 + path.length() + requestId.length());
        if (writer != null) {
            writer.start(line);
        }
        line.append(method).append(' ').append(path).append(' ').append(status).append(' ');
        appendMillis(line, nanos);
        line.append("ms id=").append(requestId).append(" workers=");
        if (pipeline == null) {
            line.append('-');
        } else {
            pipeline.describeWorkers(line);
        }
        if (writer != null) {
            writer.write(line);
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
