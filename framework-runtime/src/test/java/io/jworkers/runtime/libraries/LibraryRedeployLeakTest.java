package io.jworkers.runtime.libraries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.serve.DeployOptions;
import io.jworkers.runtime.serve.ServeHost;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers built on real libraries unload completely: ten redeploys each of a worker using H2,
 * SLF4J over Logback, Caffeine (which loads on the common pool) and Guava, and of one using
 * {@code CompletableFuture.delayedExecutor} (whose JDK scheduler thread starts on first use from
 * whichever thread asks), and every replaced version's class loader is collected; only the current
 * version of each stays.
 */
class LibraryRedeployLeakTest {

    private static final int REDEPLOYS = 10;
    private static final List<String> WORKERS = List.of("kitchen", "delayer");

    @TempDir
    Path state;
    @TempDir
    Path work;

    // A JDK thread left holding a worker's loader would fail later tests in this JVM that look for such
    // threads (UnloadLeakTest): give it back the loader the JDK gives the common pool's threads.
    @AfterEach
    void resetJdkThreads() {
        Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("ForkJoinPool.commonPool"))
                .filter(thread -> thread.getContextClassLoader() instanceof WorkerClassLoader)
                .forEach(thread -> thread.setContextClassLoader(ClassLoader.getSystemClassLoader()));
    }

    @Test
    void tenRedeploysOfWorkersUsingLibrariesLeaveOneLoaderPerWorker() throws Exception {
        Map<String, List<Path>> bundles = new LinkedHashMap<>();
        for (String worker : WORKERS) {
            bundles.put(worker, List.of(LibraryWorkers.bundle(work, worker, List.of("/" + worker), "v1"),
                    LibraryWorkers.bundle(work, worker, List.of("/" + worker), "v2")));
        }
        List<Retired> retired = new ArrayList<>();
        Map<String, List<WeakReference<ClassLoader>>> every = new LinkedHashMap<>();
        try (ServeHarness harness = ServeHarness.start(state, work)) {
            ServeHost serve = harness.serve();
            for (String worker : WORKERS) {
                serve.deploy(worker, WorkerHost.PRODUCTION, bundles.get(worker).get(0), DeployOptions.NONE);
                every.put(worker, new ArrayList<>(List.of(new WeakReference<>(loader(serve, worker)))));
                assertEquals(expected(worker, "v1"), call(harness, worker));
            }
            for (int i = 1; i <= REDEPLOYS; i++) {
                String version = i % 2 == 1 ? "v2" : "v1";
                for (String worker : WORKERS) {
                    retired.add(new Retired(worker, new WeakReference<>(loader(serve, worker))));
                    serve.deploy(worker, WorkerHost.PRODUCTION, bundles.get(worker).get(i % 2), DeployOptions.message("redeploy " + i));
                    every.get(worker).add(new WeakReference<>(loader(serve, worker)));
                    assertEquals(expected(worker, version), call(harness, worker), "after redeploy " + i);
                }
            }

            // Replaced versions close on a background thread once their requests drained: GC after that.
            Await.until(() -> retired.stream().allMatch(Retired::closed));
            assertEquals(List.of(), retired.stream().filter(r -> !r.closed()).map(Retired::worker).toList(), "not unloaded");
            List<WeakReference<ClassLoader>> replaced = retired.stream().map(Retired::loader).toList();
            int alive = LibraryWorkers.aliveAfterGc(replaced);
            Map<String, Integer> livePerWorker = new LinkedHashMap<>();
            every.forEach((worker, loaders) -> livePerWorker.put(worker,
                    (int) loaders.stream().filter(reference -> reference.get() != null).count()));
            List<String> threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getContextClassLoader() instanceof WorkerClassLoader)
                    .map(thread -> thread.getName() + " (context class loader of " + thread.getContextClassLoader().getName() + ")")
                    .toList();
            String dump = alive > 0 ? "; heap dump for the paths that keep them: " + dumpHeap() : "";
            System.out.printf("library redeploy leak: %d retired loaders, %d still reachable after GC; live loaders per worker %s;"
                    + " threads with a worker's context class loader %s%n", retired.size(), alive, livePerWorker, threads);
            assertEquals(REDEPLOYS * WORKERS.size(), retired.size());
            assertEquals(0, alive, "every replaced version's class loader must be collectable; reachable: "
                    + LibraryWorkers.names(replaced) + "; threads with a worker's context class loader: " + threads + dump);
            assertEquals(Map.of("kitchen", 1, "delayer", 1), livePerWorker, "only the current version of each stays loaded");
            String last = REDEPLOYS % 2 == 1 ? "v2" : "v1";
            for (String worker : WORKERS) {
                assertEquals(expected(worker, last), call(harness, worker));
            }
        }
    }

    /** A replaced version's loader, and the worker it belonged to. */
    private record Retired(String worker, WeakReference<ClassLoader> loader) {
        boolean closed() {
            return LibraryWorkers.closed(loader, LibraryWorkers.entrypoint(worker,
                    worker.equals("kitchen") ? "KitchenWorker" : "DelayerWorker"));
        }
    }

    private static WorkerClassLoader loader(ServeHost serve, String worker) {
        return serve.host().worker(worker).orElseThrow().loader();
    }

    private static String expected(String worker, String version) throws Exception {
        if (worker.equals("delayer")) {
            return "200 delayed late " + version;
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("kitchen".getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        return "200 kitchen " + version + " dishes=2 cache=SOUP list=[salt, pepper] sha=" + sha;
    }

    private static String call(ServeHarness harness, String worker) {
        HttpResponse<String> response = Http.get(harness.url() + "/" + worker);
        return response.statusCode() + " " + response.body();
    }

    // For whoever investigates a failure: open it in a heap analyser and look at the paths from GC roots to WorkerClassLoader.
    private static Path dumpHeap() throws java.io.IOException {
        Path file = Path.of("target", "library-leak-" + ProcessHandle.current().pid() + ".hprof").toAbsolutePath();
        Files.deleteIfExists(file);
        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
        return file;
    }
}
