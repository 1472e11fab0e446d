package io.jworkers.runtime.libraries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A platform thread a worker started and did not stop keeps its replaced version loaded (its
 * context class loader, its code): the host cannot safely stop a thread it did not start, so it
 * names it, once, in a warning that says what to do; and it keeps serving the new version.
 */
class LingeringThreadsTest {

    private static final String LINE = "[lingerer] started a thread named \"poller\" and did not stop it; it keeps a replaced"
            + " version of the worker loaded. Stop it in stop().";

    @TempDir
    Path state;
    @TempDir
    Path work;

    // The pollers end only when interrupted: so that later tests in this JVM do not see them.
    @AfterEach
    void stopThePollers() throws InterruptedException {
        List<Thread> pollers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("poller")).toList();
        pollers.forEach(Thread::interrupt);
        for (Thread poller : pollers) {
            poller.join(10_000);
        }
    }

    @Test
    void aThreadLeftRunningByAReplacedVersionIsNamedOnce() throws Exception {
        try (LogCapture host = LogCapture.of("jworkers.host"); ServeHarness harness = ServeHarness.start(state, work)) {
            deploy(harness, "v1");
            assertEquals("200 lingering", call(harness));
            WeakReference<ClassLoader> first = new WeakReference<>(harness.serve().host().worker("lingerer").orElseThrow().loader());

            deploy(harness, "v2");
            assertEquals("200 lingering", call(harness));
            String entrypoint = LibraryWorkers.entrypoint("lingerer", "LingererWorker");
            Await.until(() -> LibraryWorkers.closed(first, entrypoint));
            assertTrue(LibraryWorkers.closed(first, entrypoint), "version 1 unloaded");
            Await.until(() -> host.messages().contains(LINE));

            assertEquals(List.of(LINE), host.messagesWith("started a thread"), "once, for version 1");
            assertTrue(host.records().stream().filter(r -> r.getMessage().equals(LINE)).map(LogRecord::getLevel)
                    .allMatch(Level.WARNING::equals), "at WARNING");
            assertEquals(2, Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("poller")).count(),
                    "the host did not stop either poller: one of each version");
            assertEquals("200 lingering", call(harness), "the host keeps serving");
            ServeHarness.Cli services = harness.cli("", "services");
            assertTrue(services.out().startsWith("lingerer (production)  version 2  running  routes /*\n"
                    + "  1 thread left by replaced versions, which keep them in memory: poller\n"), services.out());
        }
    }

    private void deploy(ServeHarness harness, String version) {
        Path config = LibraryWorkers.config(work, "lingerer", List.of("/*"), version);
        ServeHarness.Cli deployed = harness.cli("", "deploy", "-c", config.toString());
        assertEquals(0, deployed.code(), deployed.out() + deployed.err());
    }

    private static String call(ServeHarness harness) {
        HttpResponse<String> response = Http.get(harness.url() + "/");
        return response.statusCode() + " " + response.body();
    }
}
