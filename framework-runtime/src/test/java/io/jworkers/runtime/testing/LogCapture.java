package io.jworkers.runtime.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Keeps what some loggers log while a test runs, to assert what the host logs: which lines, and
 * that no stack trace came with them.
 */
public final class LogCapture implements AutoCloseable {

    private final List<Logger> loggers;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Starts capturing.
     *
     * @param names the loggers, e.g. {@code jworkers.ingress}, {@code io.helidon}
     */
    public LogCapture(String... names) {
        // JUL holds loggers weakly: this list keeps them, or the handler goes with them.
        this.loggers = Stream.of(names).map(Logger::getLogger).toList();
        loggers.forEach(logger -> logger.addHandler(handler));
    }

    /**
     * Starts capturing.
     *
     * @param names the loggers, e.g. {@code jworkers} for everything the host logs
     * @return the capture; close it to stop
     */
    public static LogCapture of(String... names) {
        return new LogCapture(names);
    }

    /**
     * The records logged so far.
     *
     * @return the records, oldest first
     */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /**
     * The messages logged so far.
     *
     * @return the messages
     */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /**
     * The messages logged so far that contain a text.
     *
     * @param text the text
     * @return the messages
     */
    public List<String> messagesWith(String text) {
        return messages().stream().filter(message -> message.contains(text)).toList();
    }

    /**
     * The records that came with a stack trace, or at WARNING or above.
     *
     * @return the records, described
     */
    public List<String> stackTracesAndWarnings() {
        return records.stream().filter(r -> r.getThrown() != null || r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> r.getLevel() + " " + r.getLoggerName() + " " + r.getMessage() + " " + r.getThrown()).toList();
    }

    /** Forgets what was captured. */
    public void clear() {
        records.clear();
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.removeHandler(handler));
    }
}
