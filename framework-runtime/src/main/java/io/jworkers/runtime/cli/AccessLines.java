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

    private final AsyncConsoleHandler handler;

    AccessLines(AsyncConsoleHandler handler) {
        this.handler = handler;
    }

    @Override
    public void start(StringBuilder line) {
        LogSetup.Timestamps.append(line, System.currentTimeMillis());
        line.append(LEVEL_AND_LOGGER);
    }

    @Override
    public void write(StringBuilder line) {
        handler.publishLine(line.append(System.lineSeparator()));
    }
}
