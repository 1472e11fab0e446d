package io.jworkers.runtime.cli;

import io.jworkers.runtime.pipeline.CallFrame;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log records on standard error. A record logged while a worker's code runs is
 * prefixed with the worker's name, so interleaved logs of many workers stay readable. Helidon's
 * own chatter is limited to warnings.
 */
final class LogSetup {

    // JUL holds loggers weakly: without this reference the level set below is lost at the next GC.
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    private LogSetup() {
    }

    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(new OneLineFormatter());
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        HELIDON.setLevel(Level.WARNING);
    }

    static final class OneLineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(128)
                    .append(Instant.ofEpochMilli(record.getMillis()))
                    .append(' ').append(levelName(record.getLevel()))
                    .append(' ').append(shortName(record.getLoggerName()));
            String worker = CallFrame.currentWorkerName();
            String message = formatMessage(record);
            if (worker != null && !message.startsWith("[")) {
                line.append(" [").append(worker).append(']');
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
}
