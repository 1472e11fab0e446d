package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens around a test: the end of a test's host, and background work that does not end. */
class HostLifecycleTest {

    private static final Path CALLER = FixtureWorkers.config("caller", """
            { "name": "caller", "secrets": { "required": ["TOKEN"] } }
            """);

    private static WorkerSetup caller() {
        return new WorkerSetup(CALLER, null).withSecret("TOKEN", "t");
    }

    @Test
    void closingTheHostRunsTheWorkersStop(@TempDir Path dir) throws Exception {
        Path stopFile = dir.resolve("stopped.txt");
        try (RunningHost host = RunningHost.start(List.of(caller().withVar("STOP_FILE", stopFile.toString())))) {
            host.self().fetch("/count");
            assertTrue(Files.notExists(stopFile));
        }
        assertEquals("stopped after 1 calls", Files.readString(stopFile));
    }

    @Test
    void backgroundWorkPastTheTimeoutFailsTheAwaitAndIsInterruptedWhenTheHostCloses(@TempDir Path dir) throws Exception {
        Path interrupted = dir.resolve("interrupted.txt");
        try (RunningHost host = RunningHost.start(List.of(caller().withVar("INTERRUPTED_FILE", interrupted.toString())))) {
            assertEquals(202, host.self().fetch("/slow-later").status());
            AssertionError error = assertThrows(AssertionError.class, () -> host.awaitBackgroundWork(Duration.ofMillis(100)));
            assertTrue(error.getMessage().startsWith("Work started beside the test's responses (waitUntil or async calls)"
                    + " is still running after 100 ms; the workers' threads: caller 1"), error.getMessage());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Files.notExists(interrupted) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("interrupted", Files.readString(interrupted));
    }
}
