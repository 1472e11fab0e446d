package io.jworkers.runtime.cli;

import io.jworkers.runtime.http.AccessLog;

/**
 * The access log's lines in the CLI's one-line format ({@link LogSetup.OneLineFormatter}: time,
 * level, logger, message), built in place and queued on an {@link AsyncConsoleHandler}. A line
 * per request is the one log line every request makes, so it skips the log record, the formatter
 * and the string copies a record's line takes; the access log is logged by the ingress after the
 * workers returned, so its lines never carry a worker prefix.
 */
final class AccessLines implements AccessLog.Lines {

    private static final String LEVEL_AND_LOGGER = " INFO  ingress ";

    /** A line's start for one millisecond: under load tens of requests share it. */
    private record Start(long epochMillis, String text) {
    }

    private final AsyncConsoleHandler handler;
    // Racy on purpose: two threads may each build the same millisecond's start, and either is right.
    private volatile Start last = new Start(Long.MIN_VALUE, "");

    AccessLines(AsyncConsoleHandler handler) {
        this.handler = handler;
    }

    @Override
    public void start(StringBuilder line) {
        long now = System.currentTimeMillis();
        Start start = last;
        if (start.epochMillis() != now) {
            StringBuilder text = new StringBuilder(24 + LEVEL_AND_LOGGER.length());
            LogSetup.Timestamps.append(text, now);
            start = new Start(now, text.append(LEVEL_AND_LOGGER).toString());
            last = start;
        }
        line.append(start.text());
    }

    @Override
    public void write(StringBuilder line) {
        handler.publishLine(line.append(System.lineSeparator()));
    }
}
