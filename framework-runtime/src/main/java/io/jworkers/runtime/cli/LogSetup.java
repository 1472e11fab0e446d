package io.jworkers.runtime.cli;

import io.jworkers.runtime.pipeline.CallFrame;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log records on standard error. A record logged while a worker's code runs is
 * prefixed with the worker's name, so interleaved logs of many workers stay readable. Helidon's
 * own chatter is limited to warnings. Lines are written by {@link AsyncConsoleHandler}: the
 * thread that logs (a request's, for the access log) never waits for the console.
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
        AsyncConsoleHandler handler = new AsyncConsoleHandler(System.err, Charset.defaultCharset(),
                new OneLineFormatter(), AsyncConsoleHandler.DEFAULT_CAPACITY);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        HELIDON.setLevel(Level.WARNING);
        // LogManager closes its handlers at shutdown, which writes out what is queued; this hook
        // covers the lines logged before that by other shutdown hooks that run alongside.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jworkers-log-flush").unstarted(handler::flush));
    }

    static final class OneLineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            String message = formatMessage(record);
            String logger = shortName(record.getLoggerName());
            // Sized for the whole line: timestamp, level, logger, worker prefix and line separator.
            StringBuilder line = new StringBuilder(message.length() + logger.length() + 80);
            Timestamps.append(line, record.getMillis());
            line.append(' ').append(levelName(record.getLevel())).append(' ').append(logger);
            CallFrame frame = CallFrame.current();
            if (frame != null && !message.startsWith("[")) {
                line.append(" [").append(frame.workerName()).append(']');
            }
            line.append(' ').append(message).append(System.lineSeparator());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
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

        private static String shortName(String logger) {
            if (logger == null || logger.isEmpty()) {
                return "-";
            }
            return logger.startsWith("jworkers.") ? logger.substring("jworkers.".length()) : logger;
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
