package io.jworkers.benchmarks;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.DevSecrets;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.worker.LoadedWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Load-time and scale measurements, made through the runtime's own API: each worker's config is
 * parsed ({@link ConfigLoader}), its {@code .dev.vars} read ({@link DevSecrets}) and the worker
 * loaded into a {@link WorkerHost} (a new class loader, class scanning, entrypoint validation, the
 * instance, its env and bindings), exactly what {@code jworkers dev} does per worker before it
 * opens its listener.
 *
 * <p>Their targets (docs/PERFORMANCE.md, Targets): a worker's load at most 30 ms (and the host
 * with the three examples at its first 200 within 1 s, which {@code run-all.sh} times); 200
 * workers in one host with load time and heap growing linearly, heap at most 256 MiB.
 *
 * <pre>
 * java -cp benchmarks.jar io.jworkers.benchmarks.LoadBench examples REPO_ROOT
 *     the three example workers: each worker's load time in a fresh JVM (the first pays for the
 *     runtime's own class loading), the same three loaded again (warm), and the first request
 *     through gateway -> auth -> application; prints Markdown table rows
 * java -cp benchmarks.jar io.jworkers.benchmarks.LoadBench scale N
 *     N generated workers (each its own classes folder, config and loader; worker i binds NEXT to
 *     worker i+1) loaded into one host: total and per-worker load time, heap and metaspace after GC
 *     against the same JVM before loading, and one request per worker through its binding;
 *     prints one Markdown table row
 * </pre>
 */
public final class LoadBench {

    private LoadBench() {
    }

    /**
     * Runs one measurement.
     *
     * @param args {@code examples REPO_ROOT} or {@code scale N}
     * @throws Exception if anything fails (the run then fails)
     */
    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        switch (args.length == 2 ? args[0] : "") {
            case "examples" -> examples(Path.of(args[1]));
            case "scale" -> scale(Integer.parseInt(args[1]));
            default -> {
                System.err.println("Usage: LoadBench examples REPO_ROOT | LoadBench scale N");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    private static void examples(Path root) {
        List<Path> files = List.of(root.resolve("example-gateway/worker.jsonc"), root.resolve("example-auth/worker.jsonc"),
                root.resolve("example-application/worker.jsonc"));
        WorkerHost host = new WorkerHost();
        long[] cold = new long[files.size()];
        long[] warm = new long[files.size()];
        long[] coldConfig = new long[files.size()];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < files.size(); i++) {
                long start = System.nanoTime();
                WorkerConfig config = ConfigLoader.load(files.get(i), null);
                Secrets secrets = DevSecrets.load(config, null);
                long parsed = System.nanoTime();
                host.load(config, secrets);
                (round == 0 ? cold : warm)[i] = System.nanoTime() - start;
                if (round == 0) {
                    coldConfig[i] = parsed - start;
                }
            }
        }
        LoadedWorker gateway = host.worker("gateway").orElseThrow();
        long[] requests = new long[2];
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            Response response = WorkerCall.topLevelFetch(new Pipeline("load-bench-" + i, 1000, Duration.ofSeconds(30)),
                    gateway, Request.builder("GET", "http://127.0.0.1/notes").header("x-custom-token", "let-me-in").build());
            requests[i] = System.nanoTime() - start;
            if (response.status() != 200) {
                throw new IllegalStateException("gateway answered " + response.status() + ": " + response.text());
            }
        }
        for (int i = 0; i < files.size(); i++) {
            System.out.printf(Locale.ROOT, "| load `%s` | %.1f ms (config + .dev.vars %.1f ms, the rest %.1f ms) | %.1f ms |%n",
                    root.relativize(files.get(i)), cold[i] / 1e6, coldConfig[i] / 1e6, (cold[i] - coldConfig[i]) / 1e6,
                    warm[i] / 1e6);
        }
        System.out.printf(Locale.ROOT, "| first `GET /notes` through gateway -> auth -> application (in-process) | %.1f ms | %.2f ms (second request) |%n",
                requests[0] / 1e6, requests[1] / 1e6);
        host.close();
    }

    private static LoadedWorker loadOne(WorkerHost host, Path file) {
        WorkerConfig config = ConfigLoader.load(file, null);
        Secrets secrets = DevSecrets.load(config, null);
        return host.load(config, secrets);
    }

    private static void scale(int n) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jworkers-scale");
        try {
            // One compilation, then a copy of the classes per worker: N folders, N loaders.
            Path compiled = WorkerSources.compile("scale", dir.resolve("build"));
            List<Path> configs = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Path workerDir = dir.resolve("w" + i);
                copyTree(compiled, workerDir.resolve("classes"));
                String next = i == n ? "" : ", \"services\": [{ \"binding\": \"NEXT\", \"service\": \"w" + (i + 1) + "\" }]";
                Path config = workerDir.resolve("worker.jsonc");
                Files.writeString(config, "// generated by LoadBench scale\n{ \"name\": \"w" + i
                        + "\", \"classpath\": [\"classes\"], \"vars\": { \"NAME\": \"w" + i + "\" }" + next + " }\n");
                configs.add(config);
            }
            long heapBefore = heapAfterGc();
            long metaBefore = metaspaceUsed();

            WorkerHost host = new WorkerHost();
            long[] each = new long[n];
            long start = System.nanoTime();
            // The last first, as dev loads targets before callers would need them (bindings are lazy anyway).
            for (int i = n - 1; i >= 0; i--) {
                long t = System.nanoTime();
                loadOne(host, configs.get(i));
                each[i] = System.nanoTime() - t;
            }
            long total = System.nanoTime() - start;

            long callsStart = System.nanoTime();
            for (int i = 1; i <= n; i++) {
                Response response = WorkerCall.topLevelFetch(new Pipeline("scale-" + i, 1000, Duration.ofSeconds(30)),
                        host.worker("w" + i).orElseThrow(), Request.get("http://127.0.0.1/next"));
                String expected = i == n ? "w" + i : "w" + i + " -> w" + (i + 1);
                if (response.status() != 200 || !response.text().equals(expected)) {
                    throw new IllegalStateException("w" + i + " answered " + response.status() + " " + response.text());
                }
            }
            long calls = System.nanoTime() - callsStart;

            long heapAfter = heapAfterGc();
            long metaAfter = metaspaceUsed();
            long first = each[n - 1];
            double rest = 0;
            for (int i = 0; i < n - 1; i++) {
                rest += each[i];
            }
            rest = n > 1 ? rest / (n - 1) : 0;
            double[] sorted = java.util.Arrays.stream(each, 0, n - 1).mapToDouble(v -> v).sorted().toArray();
            double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
            System.out.printf(Locale.ROOT, "| %d | %.0f ms | %.1f ms | %.2f ms | %.2f ms | %.1f ms | %.1f MiB | %.0f KiB | %.1f MiB | %.0f KiB |%n",
                    n, total / 1e6, first / 1e6, rest / 1e6, median / 1e6, calls / 1e6,
                    heapAfter / 1048576.0, (heapAfter - heapBefore) / 1024.0 / n,
                    metaAfter / 1048576.0, (metaAfter - metaBefore) / 1024.0 / n);
            host.close();
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long metaspaceUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getName().equals("Metaspace"))
                .mapToLong(pool -> pool.getUsage().getUsed()).sum();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
