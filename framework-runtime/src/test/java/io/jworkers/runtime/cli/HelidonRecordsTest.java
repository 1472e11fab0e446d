package io.jworkers.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * The CLI's filter of Helidon's records, on records as Helidon 4.5 logs them. (The port check runs
 * before Helidon binds, so the bind-failure records only come when another process takes the port
 * in between: a race no test can stage. The listener's end is staged by ListenerFailureTest.)
 */
class HelidonRecordsTest {

    private final LogSetup.HelidonRecords filter = new LogSetup.HelidonRecords();

    @Test
    void aBindFailureIsLeftToTheCliLine() {
        LogRecord failed = record("io.helidon.webserver.LoomServer", "Failed to start listener: /127.0.0.1:8787",
                new ExecutionException(new UncheckedIOException("Failed to start server", new BindException("Address already in use"))));
        assertFalse(filter.isLoggable(failed));
        assertFalse(filter.isLoggable(record("io.helidon.webserver.LoomServer",
                "Helidon WebServer failed to start, shutting down", null)));
    }

    @Test
    void aStartFailureForAnotherReasonKeepsItsStackTrace() {
        LogRecord failed = record("io.helidon.webserver.LoomServer", "Failed to start listener: /127.0.0.1:8787",
                new ExecutionException(new IllegalStateException("bad TLS")));
        assertTrue(filter.isLoggable(failed));
        assertTrue(failed.getThrown() instanceof ExecutionException);
    }

    @Test
    void aListenerThatStopsIsOneLineWithItsCause() {
        LogRecord stopped = record("io.helidon.webserver.ServerListener",
                "Got a throwable while listening, this server socket is terminating now", new InternalError("boom"));
        assertTrue(filter.isLoggable(stopped));
        assertEquals("Got a throwable while listening, this server socket is terminating now: java.lang.InternalError: boom",
                stopped.getMessage());
        assertNull(stopped.getThrown());
    }

    @Test
    void otherRecordsPassUnchanged() {
        IllegalStateException thrown = new IllegalStateException("x");
        LogRecord other = record("io.helidon.webserver.http1.Http1Connection", "Internal server error", thrown);
        assertTrue(filter.isLoggable(other));
        assertEquals("Internal server error", other.getMessage());
        assertTrue(other.getThrown() == thrown);
        assertTrue(filter.isLoggable(record("jworkers.ingress", "GET / 200", null)));
    }

    private static LogRecord record(String logger, String message, Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, message);
        record.setLoggerName(logger);
        record.setThrown(thrown);
        return record;
    }
}
