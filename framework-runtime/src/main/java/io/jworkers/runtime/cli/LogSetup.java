package io.jworkers.runtime.cli;

import io.jworkers.runtime.http.AccessLog;
import io.jworkers.runtime.pipeline.CallFrame;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.nio.charset.Charset;
import java.time.Instant;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log records on standard error. A record logged while a worker's code runs is
 * prefixed with the worker's name, so interleaved logs of many workers stay readable. Helidon's
 * own chatter is limited to warnings, and the few records of Helidon's that the CLI says better
 * itself are filtered ({@link HelidonRecords}). Lines are written by {@link AsyncConsoleHandler}:
 * the thread that logs (a request's, for the access log) never waits for the console.
 */
final class LogSetup {

    // JUL holds loggers weakly: without this reference the level set below is lost at the next GC.
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    private LogSetup() {
    }

    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        // The stream standard error is now, before WorkerOutput wraps it (the lines are the host's),
        // in the charset ConsoleHandler used (the default one).
        OneLineFormatter formatter = new OneLineFormatter();
        AsyncConsoleHandler handler = new AsyncConsoleHandler(System.err, Charset.defaultCharset(), formatter,
                AsyncConsoleHandler.DEFAULT_CAPACITY);
        handler.setFilter(new HelidonRecords());
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        HELIDON.setLevel(Level.WARNING);
        // The access log's line per request goes to the same handler without a LogRecord: the logging
        // configuration above is all there is in this process (reset() dropped any other), so JUL
        // would only add its record, clock read and handler lookups to every request. Its level
        // still decides whether the line is written.
        AccessLog.writeTo(new AccessLines(handler));
        // LogManager closes its handlers at shutdown, which writes out what is queued; this hook
        // covers the lines logged before that by other shutdown hooks that run alongside.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jworkers-log-flush").unstarted(handler::flush));
    }

    /**
     * Helidon's records that the CLI says better itself. A port in use: Helidon logs the bind
     * failure with its stack trace before the CLI's one line ({@code ListenFailure}) says which
     * port and what to do; the listener checks the port before Helidon binds it, so these come
     * only when another process took it in between. A listener that stopped: Helidon's stack
     * trace becomes one line (its cause), before the CLI's line that says the host exits.
     */
    static final class HelidonRecords implements Filter {
        @Override
        public boolean isLoggable(LogRecord record) {
            String logger = record.getLoggerName();
            String message = record.getMessage();
            if (message == null || logger == null || !logger.startsWith("io.helidon.webserver.")) {
                return true;
            }
            if (logger.equals("io.helidon.webserver.LoomServer")) {
                return !(message.startsWith("Failed to start listener") && causedBy(record.getThrown(), BindException.class)
                        || message.startsWith("Helidon WebServer failed to start"));
            }
            if (logger.equals("io.helidon.webserver.ServerListener") && message.endsWith("this server socket is terminating now")
                    && record.getThrown() != null) {
                record.setMessage(message + ": " + record.getThrown());
                record.setThrown(null);
            }
            return true;
        }

        private static boolean causedBy(Throwable thrown, Class<? extends Throwable> type) {
            for (Throwable cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                if (type.isInstance(cause)) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class OneLineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            return line(record.getMillis(), record.getLevel(), record.getLoggerName(), formatMessage(record),
                    record.getThrown());
        }

        /**
         * What {@link #format} makes of a record with these parts.
         *
         * @param thrown the record's exception, or {@code null}
         */
        String line(long epochMillis, Level level, String loggerName, CharSequence message, Throwable thrown) {
            String logger = shortName(loggerName);
            // Sized for the whole line: timestamp, level, logger, worker prefix and line separator.
            StringBuilder line = new StringBuilder(message.length() + logger.length() + 80);
            Timestamps.append(line, epochMillis);
            line.append(' ').append(levelName(level)).append(' ').append(logger);
            String worker = CallFrame.currentWorkerName();
            if (worker != null && (message.isEmpty() || message.charAt(0) != '[')) {
                line.append(" [").append(worker).append(']');
            }
            line.append(' ').append(message).append(System.lineSeparator());
            if (thrown != null) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String levelName(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            return level.intValue() >= Level.INFO.intValue() ? "INFO " : "DEBUG";
        }

        // The last logger's short name: most lines come from one logger (the access log's).
        private record ShortName(String logger, String shortName) {
        }

        private volatile ShortName lastName = new ShortName("", "-");

        private String shortName(String logger) {
            if (logger == null || logger.isEmpty()) {
                return "-";
            }
            ShortName last = lastName;
            if (last.logger().equals(logger)) {
                return last.shortName();
            }
            String shortName = logger.startsWith("jworkers.") ? logger.substring("jworkers.".length()) : logger;
            lastName = new ShortName(logger, shortName);
            return shortName;
        }
    }

    /**
     * {@code Instant.ofEpochMilli(millis).toString()} without its formatter on every record: the
     * text up to the second is kept for the second it belongs to.
     */
    static final class Timestamps {

        private record Second(long epochSecond, String text) {
        }

        private static volatile Second last = new Second(Long.MIN_VALUE, "");

        private Timestamps() {
        }

        static void append(StringBuilder out, long epochMillis) {
            long epochSecond = Math.floorDiv(epochMillis, 1000);
            int millis = (int) Math.floorMod(epochMillis, 1000);
            Second second = last;
            if (second.epochSecond() != epochSecond) {
                String text = Instant.ofEpochSecond(epochSecond).toString();
                // "2026-11-28T09:10:51Z": ISO_INSTANT always prints the seconds; drop the zone.
                second = new Second(epochSecond, text.substring(0, text.length() - 1));
                last = second;
            }
            out.append(second.text());
            if (millis != 0) {
                // ISO_INSTANT prints a whole-millisecond fraction as three digits, and none for zero.
                out.append('.').append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                        .append((char) ('0' + millis % 10));
            }
            out.append('Z');
        }
    }
}
