package io.jworkers.runtime.libraries;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that bridges java.util.logging into SLF4J ({@code SLF4JBridgeHandler.install()} in
 * start, never uninstalled) puts a handler of its own classes on the JVM-wide JUL root logger. When
 * its versions unload the host takes each such handler off and says so, so that the host, the
 * other workers and everything else logging through JUL keep working, and the versions can be
 * collected.
 */
class JulBridgeTest {

    private static final String LEFT = "[julbridge] left a java.util.logging handler org.slf4j.bridge.SLF4JBridgeHandler"
            + " on the root logger; removed";
    private static final String ENTRYPOINT = "io/fixture/julbridge/JulBridgeWorker.class";

    @TempDir
    Path state;
    @TempDir
    Path work;

    @AfterEach
    void takeOffWorkerHandlers() {
        // Whatever the outcome, later tests in this JVM must not log through a handler of a closed worker loader.
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler.getClass().getClassLoader() instanceof WorkerClassLoader) {
                root.removeHandler(handler);
            }
        }
    }

    @Test
    void theBridgeHandlersOfUnloadedVersionsAreTakenOffTheRootLogger() throws Exception {
        List<WeakReference<WorkerClassLoader>> bridges = new ArrayList<>();
        try (LogCapture host = LogCapture.of("jworkers.host"); LogCapture test = LogCapture.of("jworkers.test.julbridge");
                ServeHarness harness = ServeHarness.start(state, work)) {
            deploy(harness, "julplain", "/plain", null);
            deploy(harness, "julbridge", "/bridge", "v1");
            assertEquals("200 bridged", call(harness, "/bridge"));
            assertEquals("200 plain ok", call(harness, "/plain"));
            bridges.add(new WeakReference<>(harness.serve().host().worker("julbridge").orElseThrow().loader()));

            deploy(harness, "julbridge", "/bridge", "v2");
            assertEquals("200 bridged", call(harness, "/bridge"));
            bridges.add(new WeakReference<>(harness.serve().host().worker("julbridge").orElseThrow().loader()));
            ServeHarness.Cli deleted = harness.cli("", "delete", "julbridge");
            assertEquals(0, deleted.code(), deleted.out() + deleted.err());

            Await.until(() -> bridges.stream().allMatch(loader -> LibraryWorkers.closed(loader, ENTRYPOINT)));
            assertTrue(bridges.stream().allMatch(loader -> LibraryWorkers.closed(loader, ENTRYPOINT)), "both versions unloaded");
            Await.until(() -> host.messagesWith(LEFT).size() >= 2);

            assertEquals("200 plain ok", call(harness, "/plain"), "the other worker still logs through JUL");
            assertDoesNotThrow(() -> Logger.getLogger("jworkers.test.julbridge").info("the test JVM still logs"));
            assertEquals(List.of("the test JVM still logs"), test.messages());
            assertEquals(List.of(), Stream.of(Logger.getLogger("").getHandlers())
                    .filter(handler -> handler.getClass().getClassLoader() instanceof WorkerClassLoader)
                    .map(handler -> handler.getClass().getName() + " of " + handler.getClass().getClassLoader()).toList(),
                    "no handler of a worker's classes is left on the root logger");
            assertEquals(List.of(LEFT, LEFT), host.records().stream().filter(r -> r.getMessage().contains("left a java.util.logging"))
                    .map(LogRecord::getMessage).toList(), "once per unloaded version");
            assertTrue(host.records().stream().filter(r -> r.getMessage().equals(LEFT)).allMatch(r -> r.getLevel() == Level.WARNING));
        }
    }

    private void deploy(ServeHarness harness, String fixture, String route, String version) {
        Path config = LibraryWorkers.config(work, fixture, List.of(route), version);
        ServeHarness.Cli deployed = harness.cli("", "deploy", "-c", config.toString());
        assertEquals(0, deployed.code(), deployed.out() + deployed.err());
        assertTrue(deployed.out().contains("Deployed " + fixture + " version "), deployed.out());
    }

    private static String call(ServeHarness harness, String path) {
        HttpResponse<String> response = Http.get(harness.url() + path);
        return response.statusCode() + " " + response.body();
    }
}
