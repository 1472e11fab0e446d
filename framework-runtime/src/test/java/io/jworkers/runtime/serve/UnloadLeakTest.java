package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unloading leaks nothing: after 100 redeploys of a private backend (and 10 of the
 * public worker calling it by fetch, typed RPC with a record, dynamic RPC and waitUntil work), every
 * replaced version's class loader is collected, and the heap after GC is back near where it started.
 */
class UnloadLeakTest {

    private static final int REDEPLOYS = 100;
    private static final long SLACK_BYTES = 32L * 1024 * 1024;

    @TempDir
    Path state;
    @TempDir
    Path work;

    private Path bundle(String folder, String jsonc) {
        Path config = WorkerDirs.config(work, folder, jsonc);
        return WorkerBundle.write(ConfigLoader.load(config, null), work.resolve(folder + ".zip"));
    }

    @Test
    void aHundredRedeploysLeaveOnlyTheCurrentLoadersAndNoHeapBehind() throws Exception {
        List<Path> backs = new ArrayList<>();
        for (String build : List.of("v1", "v2")) {
            backs.add(bundle("back-" + build, "{ \"name\": \"back\", \"classpath\": [%s] }"
                    .formatted(json(Fixtures.classes("backend-" + build)))));
        }
        List<Path> fronts = new ArrayList<>();
        for (String tag : List.of("a", "b")) {
            fronts.add(bundle("front-" + tag, """
                    { "name": "front", "classpath": [%s], "routes": ["/*"],
                      "services": [{ "binding": "BACK", "service": "back" }], "vars": { "FRONT": "%s" } }
                    """.formatted(json(Fixtures.classes("relay")), tag)));
        }

        try (ServeHarness harness = ServeHarness.start(state, work)) {
            ServeHost serve = harness.serve();
            serve.deploy("back", WorkerHost.PRODUCTION, backs.get(0), DeployOptions.NONE);
            serve.deploy("front", WorkerHost.PRODUCTION, fronts.get(0), DeployOptions.NONE);
            exercise(harness, "a", "v1");
            // One warm-up round trip through a redeploy of each, so that the baseline holds what
            // a redeploy loads once per host (JDK, Helidon and Jackson classes), not per version.
            serve.deploy("back", WorkerHost.PRODUCTION, backs.get(1), DeployOptions.NONE);
            serve.deploy("front", WorkerHost.PRODUCTION, fronts.get(1), DeployOptions.NONE);
            exercise(harness, "b", "v2");
            long before = usedHeapAfterGc();

            List<WeakReference<ClassLoader>> retired = new ArrayList<>();
            String front = "b";
            String back = "v2";
            for (int i = 1; i <= REDEPLOYS; i++) {
                retired.add(new WeakReference<>(serve.host().worker("back").orElseThrow().loader()));
                back = i % 2 == 1 ? "v1" : "v2";
                serve.deploy("back", WorkerHost.PRODUCTION, backs.get(i % 2 == 1 ? 0 : 1), DeployOptions.message("redeploy " + i));
                if (i % 10 == 5) {
                    retired.add(new WeakReference<>(serve.host().worker("front").orElseThrow().loader()));
                    front = front.equals("a") ? "b" : "a";
                    serve.deploy("front", WorkerHost.PRODUCTION, fronts.get(front.equals("a") ? 0 : 1), DeployOptions.message("redeploy " + i));
                }
                if (i < REDEPLOYS) {
                    // No request after the last deploy: nothing may need a new call to let go of an old version.
                    exercise(harness, front, back);
                }
            }
            WeakReference<ClassLoader> currentBack = new WeakReference<>(serve.host().worker("back").orElseThrow().loader());
            WeakReference<ClassLoader> currentFront = new WeakReference<>(serve.host().worker("front").orElseThrow().loader());

            int alive = retired.size();
            int rounds = 0;
            for (; rounds < 50 && alive > 0; rounds++) {
                System.gc();
                Thread.sleep(20);
                alive = (int) retired.stream().filter(reference -> reference.get() != null).count();
            }
            long after = usedHeapAfterGc();
            String dump = alive > 0 ? "; heap dump for the paths that keep them: " + dumpHeap() : "";
            System.out.printf("unload leak: %d retired loaders, %d still reachable after %d GC rounds; "
                            + "heap used after GC %.1f MiB before the redeploys, %.1f MiB after (slack %d MiB)%n",
                    retired.size(), alive, rounds, before / 1048576.0, after / 1048576.0, SLACK_BYTES / 1048576);
            assertEquals(REDEPLOYS + REDEPLOYS / 10, retired.size());
            assertEquals(0, alive, "every replaced version's class loader must be collectable; reachable: "
                    + retired.stream().map(WeakReference::get).filter(java.util.Objects::nonNull).map(ClassLoader::getName).toList() + dump);
            // A host thread that outlives the call it was created in must not inherit the worker's loader.
            assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getContextClassLoader() instanceof WorkerClassLoader)
                    .map(thread -> thread.getName() + " has the context class loader of worker "
                            + thread.getContextClassLoader().getName()).toList());
            assertNotNull(currentBack.get(), "the current versions stay loaded");
            assertNotNull(currentFront.get(), "the current versions stay loaded");
            assertTrue(after <= before + SLACK_BYTES, "heap after GC grew from " + before + " to " + after + " bytes");
            assertEquals("front=" + front + " back=" + back + " rpc=x@" + back, Http.get(harness.url() + "/").body());
        }
    }

    private static void exercise(ServeHarness harness, String front, String back) {
        assertEquals("front=" + front + " back=" + back + " rpc=x@" + back, Http.get(harness.url() + "/").body());
        assertEquals("dyn=d@" + back, Http.get(harness.url() + "/dyn").body());
    }

    // For whoever investigates a failure: open it in a heap analyser and look at the paths from GC roots to WorkerClassLoader.
    private static Path dumpHeap() {
        try {
            Path file = Path.of("target", "unload-leak-" + ProcessHandle.current().pid() + ".hprof").toAbsolutePath();
            java.nio.file.Files.deleteIfExists(file);
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
