package io.jworkers.benchmarks;

import static java.lang.invoke.MethodType.methodType;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Service;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.api.WorkerVersion;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.VersionKey;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.VersionRouting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One host with the benchmark workers, loaded by the real runtime ({@link DevServer}) from
 * {@code worker.jsonc} files into real worker class loaders, and everything the benchmarks call,
 * resolved once.
 *
 * <p>Workers: {@code caller} (binds CALC to {@code calc}, CALC_SPLIT to {@code calcsplit} and
 * CHAIN to {@code chain1}), {@code calc} (add, sum of a record, fetch), {@code calcsplit} (the
 * calc worker's classes as a gradual deployment: versions 1 and 2, loaded separately, version 2
 * taking {@link #SPLIT_NEWER_PERCENT} % of the pipelines), and {@code chain1} ... {@code chain8},
 * where chain i binds NEXT to chain i+1.
 *
 * <p>There is one host per JVM, started on first use and closed at the end of the trial (its
 * HTTP listener thread would otherwise keep the forked JVM alive): the benchmarks keep their method
 * handles in {@code static final} fields (constants for the JIT, as a call site in compiled worker
 * code would be), so a JVM runs one trial; JMH forks a JVM per benchmark ({@code -f 1}), and
 * {@code -f 0} is refused with a message.
 *
 * <p>Every typed handle is a {@code publicLookup().findVirtual} of a contract interface of the
 * <em>caller's</em> loader, bound either to the binding's RPC stub or to a plain implementation
 * in the same loader: the two go through identical harness code, so their difference is the
 * binding's cost alone.
 */
final class BenchHost {

    /** Depth of the worker chain behind CHAIN. */
    static final int CHAIN_LENGTH = 8;
    /** The share of version 2 of {@code calcsplit}; version 1 takes the rest (a 90/10 split). */
    static final int SPLIT_NEWER_PERCENT = 10;

    // Helidon's INFO lines (listener started/stopped) would interleave with JMH's output. JUL holds
    // loggers weakly: keep the reference so the level sticks.
    private static final java.util.logging.Logger HELIDON_LOG = java.util.logging.Logger.getLogger("io.helidon");

    private static BenchHost instance;
    private static boolean closed;

    final DevServer server;
    final LoadedWorker caller;
    final LoadedWorker calc;
    /** The two versions of {@code calcsplit} and their shares. */
    final VersionRouting calcSplitRouting;
    final Path dir;

    /** {@code Calc.add(int,int)} bound to a {@code LocalCalc} of the caller's loader. */
    final MethodHandle addDirect;
    /** {@code Calc.add(int,int)} bound to the typed RPC stub of binding CALC. */
    final MethodHandle addRpc;
    /** {@code Calc.sum(Point3)} bound to a {@code LocalCalc}, as {@code (Object)int}. */
    final MethodHandle sumDirect;
    /** {@code Calc.sum(Point3)} bound to the stub of CALC, as {@code (Object)int}. */
    final MethodHandle sumRpc;
    /** {@code Hop.add(int,int)} bound to 8 nested plain objects of the caller's loader. */
    final MethodHandle chainDirect;
    /** {@code Hop.add(int,int)} bound to the stub of CHAIN: 8 workers deep over typed RPC. */
    final MethodHandle chainRpc;
    /** {@code new Point3(int,int,int)} of the caller's loader, as {@code (int,int,int)Object}. */
    final MethodHandle newPoint;
    /** {@code Calc.add(int,int)} bound to the stub of CALC_SPLIT (a split: a test, then one of two links). */
    final MethodHandle addRpcSplit;
    /** The caller's binding CALC. */
    final Service calcService;
    /** The caller's binding CALC_SPLIT, whose target runs two versions. */
    final Service calcSplitService;
    /** The calc worker's entrypoint instance and env, for the direct fetch. */
    final WorkerEntrypoint calcEntrypoint;
    final Env calcEnv;
    /** A small request without a body (immutable: reusable). */
    final Request request = Request.get("http://bench.local/");

    private BenchHost(DevServer server, Path dir) throws ReflectiveOperationException {
        this.server = server;
        this.dir = dir;
        this.caller = server.host().worker("caller").orElseThrow();
        this.calc = server.host().worker("calc").orElseThrow();
        this.calcSplitRouting = server.host().routing("calcsplit", null);
        if (!calcSplitRouting.isSplit()) {
            throw new IllegalStateException("calcsplit is not split between two versions: " + calcSplitRouting);
        }

        ClassLoader loader = caller.loader();
        Class<?> calcContract = Class.forName("bench.caller.Calc", true, loader);
        Class<?> hopContract = Class.forName("bench.caller.Hop", true, loader);
        Class<?> point = Class.forName("bench.caller.Point3", true, loader);
        Object localCalc = Class.forName("bench.caller.LocalCalc", true, loader).getConstructor().newInstance();
        Object localChain = Class.forName("bench.caller.LocalHops", true, loader).getMethod("chain").invoke(null);

        this.calcService = caller.env().service("CALC");
        Object calcStub = calcService.rpc(calcContract);
        this.calcSplitService = caller.env().service("CALC_SPLIT");
        Object calcSplitStub = calcSplitService.rpc(calcContract);
        Object chainStub = caller.env().service("CHAIN").rpc(hopContract);

        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodType addType = methodType(int.class, int.class, int.class);
        MethodHandle add = lookup.findVirtual(calcContract, "add", addType);
        this.addDirect = add.bindTo(localCalc);
        this.addRpc = add.bindTo(calcStub);
        this.addRpcSplit = add.bindTo(calcSplitStub);
        MethodHandle sum = lookup.findVirtual(calcContract, "sum", methodType(int.class, point));
        MethodType sumType = methodType(int.class, Object.class);
        this.sumDirect = sum.bindTo(localCalc).asType(sumType);
        this.sumRpc = sum.bindTo(calcStub).asType(sumType);
        MethodHandle hop = lookup.findVirtual(hopContract, "add", addType);
        this.chainDirect = hop.bindTo(localChain);
        this.chainRpc = hop.bindTo(chainStub);
        this.newPoint = lookup.findConstructor(point, methodType(void.class, int.class, int.class, int.class))
                .asType(methodType(Object.class, int.class, int.class, int.class));

        this.calcEntrypoint = calc.entrypoint();
        this.calcEnv = calc.env();
    }

    /**
     * The host of this JVM, started on first use.
     *
     * @return the host
     */
    static synchronized BenchHost get() {
        if (closed) {
            throw new IllegalStateException("The benchmark host of this JVM is closed: the benchmarks keep their "
                    + "handles in static finals and run one trial per JVM; run them forked (-f 1), not with -f 0");
        }
        if (instance == null) {
            instance = startOnOwnThread();
        }
        return instance;
    }

    /*
     * Loading the workers (javac, config parsing, class scanning, Helidon) leaves many thread-locals
     * on the thread that does it. The benchmark thread stands for a request thread, which has few,
     * and the runtime's per-call thread-local (the current frame) costs more in a crowded map (linear
     * probing after a hash collision: ThreadLocalMap.getEntryAfterMiss was most of a typed call's
     * samples when the host was loaded on the benchmark thread). So it is loaded on a thread of its own.
     */
    private static BenchHost startOnOwnThread() {
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING);
        BenchHost[] started = new BenchHost[1];
        Throwable[] failed = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                started[0] = start();
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "jworkers-bench-setup");
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while loading the benchmark workers", e);
        }
        if (failed[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failed[0] instanceof Error e) {
            throw e;
        }
        return started[0];
    }

    /**
     * Opens a new top-level request of the caller worker and returns its frame: the frame the
     * runtime itself builds for a request the caller serves (depth 1, the caller's name and
     * loader), in a pipeline with an unlimited subrequest budget and a deadline a day away, so
     * that millions of binding calls can run in it.
     *
     * <p>Its version key is set as the ingress sets it from {@code x-jworkers-version-key}, without
     * overrides (the usual request): a key that the split of {@code calcsplit} sends to version 2
     * (its {@value #SPLIT_NEWER_PERCENT} %), or one that it sends to version 1.
     *
     * @param newer whether the pipeline's calls into {@code calcsplit} reach its newer version
     * @return the frame, to make current on the benchmark thread with {@link WorkerCall#open}
     */
    CallFrame newRequestFrame(boolean newer) {
        Pipeline pipeline = new Pipeline("bench-" + UUID.randomUUID(), Integer.MAX_VALUE, Duration.ofDays(1));
        pipeline.chooseVersionsBy(versionKey(newer), Map.of());
        WorkerCall.topLevelFetch(pipeline, caller, Request.get("http://bench.local/frame"));
        try {
            Object captured = Class.forName("bench.caller.CallerWorker", true, caller.loader())
                    .getField("captured").get(null);
            if (!(captured instanceof CallFrame frame) || frame.pipeline() != pipeline) {
                throw new IllegalStateException("The caller worker did not capture its request's frame: " + captured);
            }
            return frame;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A version key whose bucket the split of {@code calcsplit} sends to its newer or its older
     * version: the first of {@code bench-key-0}, {@code bench-key-1}, ... that does (the same on
     * every run).
     *
     * @param newer which version the key should reach
     * @return the key
     */
    static String versionKey(boolean newer) {
        for (int i = 0; ; i++) {
            String key = "bench-key-" + i;
            if (VersionKey.bucket(key) < SPLIT_NEWER_PERCENT == newer) {
                return key;
            }
        }
    }

    private static BenchHost start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("jworkers-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DevServer server = null;
        try {
            Path callerClasses = WorkerSources.compile("caller", dir);
            Path calcClasses = WorkerSources.compile("calc", dir);
            Path chainClasses = WorkerSources.compile("chain", dir);

            List<Path> configs = new ArrayList<>();
            configs.add(config(dir, "caller", """
                    { "name": "caller", "classpath": [%s], "routes": ["/*"],
                      "services": [{ "binding": "CALC", "service": "calc" },
                                   { "binding": "CALC_SPLIT", "service": "calcsplit" },
                                   { "binding": "CHAIN", "service": "chain1" }] }
                    """.formatted(json(callerClasses))));
            // Targets load before the workers that bind them (the chain's stubs are made in constructors).
            for (int i = CHAIN_LENGTH; i >= 1; i--) {
                String next = i == CHAIN_LENGTH ? ""
                        : ", \"services\": [{ \"binding\": \"NEXT\", \"service\": \"chain" + (i + 1) + "\" }]";
                configs.add(config(dir, "chain" + i, "{ \"name\": \"chain" + i + "\", \"classpath\": ["
                        + json(chainClasses) + "]" + next + " }"));
            }
            configs.add(config(dir, "calc", "{ \"name\": \"calc\", \"classpath\": [" + json(calcClasses) + "] }"));
            configs.add(config(dir, "calcsplit", "{ \"name\": \"calcsplit\", \"classpath\": [" + json(calcClasses) + "] }"));

            server = DevServer.start(configs, null, "127.0.0.1", 0);
            splitCalc(server);
            BenchHost host = new BenchHost(server, dir);
            Runtime.getRuntime().addShutdownHook(new Thread(BenchHost::shutdown, "jworkers-bench-shutdown"));
            return host;
        } catch (RuntimeException | Error e) {
            if (server != null) {
                server.close();
            }
            delete(dir);
            throw e;
        } catch (ReflectiveOperationException e) {
            server.close();
            delete(dir);
            throw new IllegalStateException("The benchmark workers do not have the expected classes", e);
        }
    }

    /*
     * A gradual deployment of calcsplit, as serve runs one after versions deploy calcsplit 2@10 1@90:
     * two versions loaded separately (two loaders, two entrypoint instances) and routed as a split.
     * The version dev loaded at start is replaced (it drains and closes).
     */
    private static void splitCalc(DevServer server) {
        WorkerHost host = server.host();
        WorkerConfig config = server.configs().stream().filter(c -> c.name().equals("calcsplit")).findFirst().orElseThrow();
        LoadedWorker v1 = host.prepare(config, Secrets.NONE, version(1));
        LoadedWorker v2 = host.prepare(config, Secrets.NONE, version(2));
        host.route("calcsplit", null, VersionRouting.split(v2, SPLIT_NEWER_PERCENT, v1));
    }

    private static WorkerVersion version(int number) {
        return new WorkerVersion(WorkerHost.PRODUCTION + "/" + number, number, WorkerHost.PRODUCTION, "", Instant.now(), "");
    }

    /** Unloads the workers and stops the listener; this JVM runs no further trial. */
    static synchronized void shutdown() {
        if (instance != null && !closed) {
            closed = true;
            instance.close();
        }
    }

    private void close() {
        try {
            server.close();
        } finally {
            delete(dir);
        }
    }

    private static Path config(Path dir, String worker, String jsonc) {
        Path file = dir.resolve("config").resolve(worker).resolve("worker.jsonc");
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, jsonc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
