package io.jworkers.runtime.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records of one logger and its children while it is open, as the host writes them
 * (System.Logger goes to java.util.logging in tests): {@code try (LogCapture log = LogCapture.of("jworkers.host"))}.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /**
     * Starts capturing.
     *
     * @param name the logger, e.g. {@code jworkers} for everything the host logs
     * @return the capture; close it to stop
     */
    public static LogCapture of(String name) {
        return new LogCapture(Logger.getLogger(name));
    }

    /** @return the messages so far, oldest first */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** @return the records so far, oldest first */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
