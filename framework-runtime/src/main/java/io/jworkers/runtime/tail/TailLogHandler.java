package io.jworkers.runtime.tail;

import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Pipeline;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A {@code java.util.logging} handler on the root logger that hands the records logged by
 * worker code during a request to that request's {@link RequestLog}. Added when the first tail
 * opens and left in place (it returns at once while nobody tails). The host's own records
 * ({@code jworkers.*}, Helidon's) are not the worker's and are skipped.
 */
final class TailLogHandler extends Handler {

    private static boolean installed;
    private static final Formatter MESSAGES = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    };

    private TailLogHandler() {
    }

    // Under RequestLog's lock.
    static void installOnce() {
        if (!installed) {
            Logger.getLogger("").addHandler(new TailLogHandler());
            installed = true;
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (!RequestLog.capturing() || record == null) {
            return;
        }
        Pipeline pipeline = CallFrame.currentPipeline();
        RequestLog log = pipeline == null ? null : pipeline.tailLog();
        String logger = record.getLoggerName();
        if (log == null || logger != null && (logger.startsWith("jworkers.") || logger.startsWith("io.helidon."))) {
            return;
        }
        String message = MESSAGES.formatMessage(record);
        if (record.getThrown() != null) {
            message = message + ": " + record.getThrown();
        }
        log.add(CallFrame.currentWorkerName(), level(record.getLevel()), message);
    }

    private static String level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (value >= Level.WARNING.intValue()) {
            return "warn";
        }
        return value >= Level.INFO.intValue() ? "info" : "debug";
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
