package io.jworkers.runtime.host;

import io.jworkers.api.WorkerVersion;
import io.jworkers.runtime.pipeline.BindingOwner;
import io.jworkers.runtime.pipeline.WorkerThreads;
import io.jworkers.runtime.binding.ServiceBinding;
import io.jworkers.runtime.binding.WorkerEnv;
import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.loader.ApiOnlyClassLoader;
import io.jworkers.runtime.rpc.RpcTarget;
import io.jworkers.runtime.unload.HostJvm;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerFactory;
import io.jworkers.runtime.metrics.BindingCounters;
import io.jworkers.runtime.metrics.HostMetrics;
import io.jworkers.runtime.worker.VersionRouting;
import io.jworkers.runtime.worker.WorkerSlot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers of one host process: a slot per worker name, holding the version that new calls
 * reach. Bindings refer to slots, so a binding to a worker that is not loaded yet exists (it is
 * "not connected") and connects when that worker loads.
 */
public final class WorkerHost implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    /** How long a replaced version waits for the requests that may still use it. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, WorkerSlot> slots = new ConcurrentHashMap<>();
    // Versions loaded per slot without deploy metadata (dev), to number them.
    private final Map<String, Integer> loads = new ConcurrentHashMap<>();
    /** How long a replaced version's own threads may take to end after its {@code stop()}, before a warning. */
    static final Duration THREAD_GRACE = Duration.ofSeconds(2);

    private final WorkerFactory factory = new WorkerFactory(ApiOnlyClassLoader.shared());
    private final RequestEpochs requests = new RequestEpochs();
    private final BindingCounters bindingCalls = new BindingCounters();
    private HostMetrics metrics; // made on first use: a host nobody scrapes needs no registry
    private final Duration drainTimeout;
    private final boolean environments;

    /**
     * A host of one environment, as {@code jworkers dev} runs: a binding's {@code environment}
     * is ignored and reaches the worker of that name. Replaced versions wait up to 30 s for
     * their in-flight requests.
     */
    public WorkerHost() {
        this(DEFAULT_DRAIN_TIMEOUT, false);
    }

    /**
     * A host.
     *
     * @param drainTimeout how long a replaced version waits for its in-flight requests before it closes
     * @param environments whether workers of several environments run side by side (serve), each
     *     reached by bindings that name its environment
     */
    public WorkerHost(Duration drainTimeout, boolean environments) {
        this.drainTimeout = drainTimeout;
        this.environments = environments;
        HostJvm.prepare();
    }

    private String targetSlot(String worker, String environment) {
        return environments ? slotName(worker, environment) : worker;
    }

    /**
     * The requests in flight, which the ingress registers so that replaced versions can drain.
     *
     * @return the tracker
     */
    public RequestEpochs requests() {
        return requests;
    }

    /**
     * The call counters of every binding of the workers this host loaded.
     *
     * @return the counters
     */
    public BindingCounters bindingCalls() {
        return bindingCalls;
    }

    /**
     * This host's metrics (GET /metrics, the dashboard's request statistics), made on first use
     * and closed with the host.
     *
     * @return the metrics
     */
    public synchronized HostMetrics metrics() {
        if (metrics == null) {
            metrics = new HostMetrics(bindingCalls, this::workers);
        }
        return metrics;
    }

    /**
     * The slot name of a worker in an environment: the worker's name for production, else
     * {@code name@environment}.
     *
     * @param worker the worker name
     * @param environment the environment, {@code null} or {@code production} for production
     * @return the slot name
     */
    public static String slotName(String worker, String environment) {
        return environment == null || environment.equals(PRODUCTION) ? worker : worker + "@" + environment;
    }

    /** The environment every worker has. */
    public static final String PRODUCTION = "production";

    /**
     * The slot of a worker name, created empty on first use.
     *
     * @param name the worker name
     * @return the slot
     */
    public WorkerSlot slot(String name) {
        return slots.computeIfAbsent(name, WorkerSlot::new);
    }

    /**
     * Loads a worker version and makes it the one new calls reach, atomically. A version it
     * replaces keeps serving the requests already in flight, then closes (its {@code stop()}
     * runs, its threads are interrupted, its loader is closed) on a background thread.
     *
     * @param config the worker's config
     * @param secrets the worker's secrets
     * @return the loaded version
     * @throws io.jworkers.runtime.loader.WorkerLoadException if it cannot be loaded; nothing changes then
     */
    public LoadedWorker load(WorkerConfig config, Secrets secrets) {
        return load(config, secrets, null);
    }

    /**
     * Loads a worker version of an environment and makes it the one new calls reach there.
     * Bindings of this version that name no {@code environment} reach the targets' production
     * environment, as in Cloudflare. Its {@code env.version()} is numbered by the loads of this
     * worker in this host (as {@code jworkers dev} reloads), with no tag or hash.
     *
     * @param config the worker's config
     * @param secrets the worker's secrets
     * @param environment the environment, {@code null} or {@code production} for production
     * @return the loaded version
     * @throws io.jworkers.runtime.loader.WorkerLoadException if it cannot be loaded; nothing changes then
     */
    public LoadedWorker load(WorkerConfig config, Secrets secrets, String environment) {
        return load(config, secrets, environment, nextLocalVersion(targetSlot(config.name(), environment), environment));
    }

    // A version without deploy metadata (dev reloads, tests): numbered by the loads of its slot.
    private WorkerVersion nextLocalVersion(String slotName, String environment) {
        int number = loads.merge(slotName, 1, Integer::sum);
        String name = environment == null ? PRODUCTION : environment;
        return new WorkerVersion(name + "/" + number, number, name, "", Instant.now(), "");
    }

    /**
     * Loads a deployed version of a worker and makes it the one new calls reach in its
     * environment; the worker reads {@code version} with {@code env.version()}.
     *
     * @param config the worker's config
     * @param secrets the worker's secrets
     * @param environment the environment, {@code null} or {@code production} for production
     * @param version the version's metadata
     * @return the loaded version
     * @throws io.jworkers.runtime.loader.WorkerLoadException if it cannot be loaded; nothing changes then
     */
    public LoadedWorker load(WorkerConfig config, Secrets secrets, String environment, WorkerVersion version) {
        LoadedWorker worker = prepare(config, secrets, version);
        activate(worker, environment);
        return worker;
    }

    /**
     * Loads and starts a worker version without letting any call reach it yet: its classes load,
     * its entrypoints are checked and created and their {@code start()} runs. {@link #activate}
     * puts it in its slot; {@link LoadedWorker#close()} discards it instead.
     *
     * @param config the worker's config
     * @param secrets the worker's secrets
     * @param version the version's metadata
     * @return the loaded, unreachable version
     * @throws io.jworkers.runtime.loader.WorkerLoadException if it cannot be loaded
     */
    public LoadedWorker prepare(WorkerConfig config, Secrets secrets, WorkerVersion version) {
        WorkerThreads threads = new WorkerThreads(config.name());
        return factory.load(config, environmentOf(config, secrets, threads, version), threads);
    }

    /**
     * Makes a prepared version the one new calls reach in its environment, atomically; the
     * version it replaces drains, then closes.
     *
     * @param worker a version from {@link #prepare}
     * @param environment its environment, {@code null} or {@code production} for production
     */
    public void activate(LoadedWorker worker, String environment) {
        retire(slot(targetSlot(worker.name(), environment)).route(VersionRouting.single(worker)), () -> { });
    }

    /**
     * Makes new calls of a worker environment reach the versions of {@code routing} (loaded with
     * {@link #prepare}, or already serving there), atomically; versions it no longer names
     * drain, then close.
     *
     * @param name the worker
     * @param environment its environment, {@code null} or {@code production} for production
     * @param routing the versions and their shares
     */
    public void route(String name, String environment, VersionRouting routing) {
        retire(slot(targetSlot(name, environment)).route(routing), () -> { });
    }

    /**
     * The versions of a worker environment new calls reach.
     *
     * @param name the worker
     * @param environment its environment, {@code null} or {@code production} for production
     * @return the routing; {@link VersionRouting#NONE} when none is loaded
     */
    public VersionRouting routing(String name, String environment) {
        WorkerSlot slot = slots.get(targetSlot(name, environment));
        return slot == null ? VersionRouting.NONE : slot.routing();
    }

    /**
     * Disconnects a worker of an environment: calls to it fail as "not running" from now on,
     * while the requests in flight finish on it before it closes.
     *
     * @param name the worker
     * @param environment its environment, {@code null} or {@code production} for production
     */
    public void unload(String name, String environment) {
        unload(name, environment, () -> { });
    }

    /**
     * Disconnects a worker of an environment as {@link #unload(String, String)} does, and runs
     * {@code afterClose} once the version has drained and closed (at once when none was loaded).
     *
     * @param name the worker
     * @param environment its environment, {@code null} or {@code production} for production
     * @param afterClose what to do once nothing runs the version any more (on a background thread)
     */
    public void unload(String name, String environment, Runnable afterClose) {
        WorkerSlot slot = slots.get(targetSlot(name, environment));
        retire(slot == null ? List.of() : slot.route(VersionRouting.NONE), afterClose);
    }

    /**
     * Puts a worker whose entrypoint class is already loaded by another loader (a test's stand-in,
     * not isolated) into a slot, replacing what the slot held. Its environment is built from
     * {@code config} as for {@link #load}, with no secrets.
     *
     * @param slotName the slot, which bindings reach by this name
     * @param config the worker's config (name, vars, bindings, limits; the classpath is not read)
     * @param type the entrypoint class
     * @return the loaded version
     * @throws io.jworkers.runtime.loader.WorkerLoadException if the class is not a valid entrypoint or fails to start
     */
    public LoadedWorker adopt(String slotName, WorkerConfig config, Class<? extends io.jworkers.api.WorkerEntrypoint> type) {
        WorkerThreads threads = new WorkerThreads(config.name());
        LoadedWorker worker = factory.adopt(config, type, environmentOf(config, Secrets.NONE, threads,
                nextLocalVersion(slotName, null)), threads);
        retire(slot(slotName).route(VersionRouting.single(worker)), () -> { });
        return worker;
    }

    // Drains and closes versions no call reaches any more, then runs afterClose (at once when none).
    private void retire(List<LoadedWorker> gone, Runnable afterClose) {
        if (gone.isEmpty()) {
            afterClose.run();
            return;
        }
        java.util.concurrent.atomic.AtomicInteger closing = new java.util.concurrent.atomic.AtomicInteger(gone.size());
        for (LoadedWorker previous : gone) {
            retire(previous, () -> {
                if (closing.decrementAndGet() == 0) {
                    afterClose.run();
                }
            });
        }
    }

    private void retire(LoadedWorker previous, Runnable afterClose) {
        long epoch = requests.advance();
        Thread.ofVirtual().name("jworkers-retire-" + previous.name()).start(() -> {
            if (!requests.awaitBefore(epoch, drainTimeout)) {
                LOG.log(System.Logger.Level.WARNING, "[" + previous.name() + "] requests still used the replaced version after "
                        + drainTimeout.toSeconds() + " s; closing it anyway");
            }
            previous.close();
            afterClose.run();
            try {
                previous.releaseThreads(THREAD_GRACE);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "[" + previous.name() + "] looking for threads it left failed: " + e);
            }
        });
    }

    /**
     * The version of a worker that new calls reach.
     *
     * @param name the worker name
     * @return the version, or empty when not loaded
     */
    public Optional<LoadedWorker> worker(String name) {
        WorkerSlot slot = slots.get(name);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.current());
    }

    /**
     * The loaded versions (both of a split), in no particular order.
     *
     * @return a snapshot
     */
    public List<LoadedWorker> workers() {
        List<LoadedWorker> loaded = new ArrayList<>();
        for (WorkerSlot slot : slots.values()) {
            loaded.addAll(slot.routing().versions());
        }
        return loaded;
    }

    /**
     * Checks that every binding of these workers that selects a named entrypoint finds it in its
     * target, when the target is loaded.
     *
     * @param configs the workers' configs
     * @throws io.jworkers.runtime.loader.WorkerLoadException naming the binding, the worker and the entrypoints it has
     */
    public void checkEntrypoints(List<WorkerConfig> configs) {
        for (WorkerConfig config : configs) {
            for (ServiceBindingConfig binding : config.services()) {
                if (binding.entrypoint() == null) {
                    continue;
                }
                worker(targetSlot(binding.service(), binding.environment())).ifPresent(target -> {
                    if (target.entrypoint(binding.entrypoint()) == null) {
                        throw new io.jworkers.runtime.loader.WorkerLoadException("worker \"" + config.name() + "\" ("
                                + config.file() + "): binding " + binding.binding() + " selects entrypoint \""
                                + binding.entrypoint() + "\" of worker \"" + target.name() + "\", which has: "
                                + String.join(", ", target.entrypointNames()) + ".");
                    }
                });
            }
        }
    }

    /** Disconnects and unloads every worker. */
    @Override
    public void close() {
        synchronized (this) {
            if (metrics != null) {
                metrics.close();
            }
        }
        for (WorkerSlot slot : slots.values()) {
            for (LoadedWorker previous : slot.route(VersionRouting.NONE)) {
                previous.close();
            }
        }
    }

    private WorkerEnv environmentOf(WorkerConfig config, Secrets secrets, WorkerThreads threads, WorkerVersion version) {
        BindingOwner limits = new BindingOwner(config.name(), config.limits().subrequests(),
                Duration.ofMillis(config.limits().timeoutMs()), threads);
        Map<String, ServiceBinding> bindings = new LinkedHashMap<>();
        for (ServiceBindingConfig binding : config.services()) {
            bindings.put(binding.binding(), new ServiceBinding(new RpcTarget(binding.binding(),
                    slot(targetSlot(binding.service(), binding.environment())),
                    binding.entrypoint(), binding.props(), limits,
                    bindingCalls.of(config.name(), version.environment(), binding.binding(), binding.service()))));
        }
        return new WorkerEnv(config.name(), bindings, config.vars(), secrets, version);
    }
}
