package io.jworkers.runtime.metrics;

import io.jworkers.runtime.worker.LoadedWorker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The metrics of one host: a Micrometer registry scraped in Prometheus text at {@code GET
 * /metrics} (serve's admin listener, dev's), and the {@link RequestStats} the dashboard reads.
 *
 * <p>Meters (Prometheus names):
 * <ul>
 * <li>{@code jworkers_requests_total{worker,environment,version,outcome,status}}: requests that
 *     reached a worker; {@code outcome} is one of {@link RequestOutcome}'s labels, {@code status}
 *     the class of the status sent ({@code 2xx} … {@code 5xx});
 * <li>{@code jworkers_request_duration_seconds{worker,environment}}: a histogram of their
 *     durations, from the request read to the response sent;
 * <li>{@code jworkers_binding_calls_total{caller,environment,binding,callee,kind}}: calls through
 *     service bindings, {@code kind} {@code fetch} or {@code rpc}; counted per thread and added
 *     to the binding's own counters when the request ends (see {@link BindingCalls}), read at
 *     scrape time;
 * <li>{@code jworkers_requests_in_flight}: requests being served now;
 * <li>{@code jworkers_waituntil_requests}: requests already answered whose {@code waitUntil} work
 *     still runs;
 * <li>the JVM's: {@code jvm_memory_*}, {@code jvm_gc_*} (read when scraped: {@link GcMetrics}),
 *     {@code jvm_threads_*}, {@code jvm_classes_*}, {@code system_cpu_*}, {@code process_cpu_*}.
 * </ul>
 * Every label has a bounded set of values: worker, environment and binding names come from the
 * configs, versions from deploys; never a path, a host name or an id. A version no longer loaded
 * keeps its series for the 10 minutes {@link RequestStats} keeps (a last scrape sees its final
 * counts), then they are removed, so that a host deployed to for months does not export every
 * version it ever ran.
 */
public final class HostMetrics implements AutoCloseable {

    /** {@code jworkers_requests_total}. */
    public static final String REQUESTS = "jworkers.requests";
    /** {@code jworkers_request_duration_seconds}. */
    public static final String DURATION = "jworkers.request.duration";
    /** {@code jworkers_binding_calls_total}. */
    public static final String BINDING_CALLS = "jworkers.binding.calls";
    /** {@code jworkers_requests_in_flight}. */
    public static final String IN_FLIGHT = "jworkers.requests.in.flight";
    /** {@code jworkers_waituntil_requests}. */
    public static final String WAIT_UNTIL = "jworkers.waituntil.requests";

    // The histogram's buckets: from a fast in-process pipeline to the longest timeout.
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final long PRUNE_EVERY_MILLIS = 10_000;

    // Made on a thread of its own: the registry and the JVM binders take 100-300 ms of a cold JVM's
    // start, which a host made early (dev makes it before it loads the workers) spends meanwhile.
    private final CompletableFuture<PrometheusMeterRegistry> registering;
    private final GcMetrics gc = new GcMetrics();
    private final BindingCounters bindings;
    private final Supplier<List<LoadedWorker>> loaded;
    private final Clock clock;
    private final RequestStats stats;
    // environment -> worker label (auth@2) -> meters: two lookups of strings the version already holds.
    private final Map<String, Map<String, VersionMeters>> versions = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final List<Meter> ingressGauges = new ArrayList<>();
    private volatile long prunedAt;

    /**
     * The metrics of a host.
     *
     * @param bindings the host's binding counters, exported as {@code jworkers_binding_calls_total}
     * @param loaded the versions loaded now (those not loaded are eventually removed)
     */
    public HostMetrics(BindingCounters bindings, Supplier<List<LoadedWorker>> loaded) {
        this(bindings, loaded, Clock.systemUTC());
    }

    /**
     * The metrics of a host, on a clock of the caller's (for tests of the time windows).
     *
     * @param bindings the host's binding counters
     * @param loaded the versions loaded now
     * @param clock what the request statistics' buckets follow
     */
    public HostMetrics(BindingCounters bindings, Supplier<List<LoadedWorker>> loaded, Clock clock) {
        this.bindings = bindings;
        this.loaded = loaded;
        this.clock = clock;
        this.stats = new RequestStats(clock);
        this.registering = new CompletableFuture<>();
        Thread maker = new Thread(() -> {
            try {
                PrometheusMeterRegistry made = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                new JvmMemoryMetrics().bindTo(made);
                gc.bindTo(made);
                new JvmThreadMetrics().bindTo(made);
                new ProcessorMetrics().bindTo(made);
                new ClassLoaderMetrics().bindTo(made);
                registering.complete(made);
            } catch (Throwable e) {
                registering.completeExceptionally(e);
            }
        }, "jworkers-metrics-start");
        maker.setDaemon(true);
        maker.start();
        // Bindings made while the registry is being made (the workers loading) are exported when it is ready.
        registering.thenRun(() -> bindings.forEachNowAndLater(this::export));
    }

    /**
     * Starts observing a request that reached a worker version.
     *
     * @param worker the version the ingress chose
     * @param startNanos when the ingress started reading it ({@link System#nanoTime()})
     * @return the observation, to finish when the response is sent
     */
    public RequestObservation observe(LoadedWorker worker, long startNanos) {
        String environment = worker.env().version().environment();
        Map<String, VersionMeters> inEnvironment = versions.get(environment);
        VersionMeters meters = inEnvironment == null ? null : inEnvironment.get(worker.label());
        if (meters == null) {
            meters = versions.computeIfAbsent(environment, e -> new ConcurrentHashMap<>())
                    .computeIfAbsent(worker.label(), label -> new VersionMeters(keyOf(worker)));
        }
        return new RequestObservation(meters, startNanos);
    }

    /**
     * Shows a listener's state as gauges ({@code jworkers_requests_in_flight},
     * {@code jworkers_waituntil_requests}), replacing those of a listener shown before.
     *
     * @param inFlight how many requests it is serving
     * @param waitingForWaitUntil how many answered requests still run {@code waitUntil} work
     */
    public synchronized void watchIngress(IntSupplier inFlight, IntSupplier waitingForWaitUntil) {
        MeterRegistry registry = prometheus();
        // Held strongly: Micrometer holds a gauge's object weakly, and these suppliers are lambdas.
        ingressGauges.forEach(registry::remove);
        ingressGauges.clear();
        ingressGauges.add(Gauge.builder(IN_FLIGHT, inFlight, supplier -> supplier.getAsInt())
                .description("Requests being served now").strongReference(true).register(registry));
        ingressGauges.add(Gauge.builder(WAIT_UNTIL, waitingForWaitUntil, supplier -> supplier.getAsInt())
                .description("Requests already answered whose waitUntil work still runs").strongReference(true)
                .register(registry));
    }

    /**
     * The Prometheus text exposition of every meter.
     *
     * @return the text (format 0.0.4)
     */
    public String scrape() {
        pruneNowAndThen();
        return prometheus().scrape();
    }

    /**
     * The content type of {@link #scrape()}'s text.
     *
     * @return {@code text/plain; version=0.0.4; charset=utf-8}
     */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    /**
     * The recent request statistics, for the dashboard.
     *
     * @return the statistics
     */
    public RequestStats requestStats() {
        pruneNowAndThen();
        return stats;
    }

    /**
     * The registry, for a part of the host that adds meters of its own.
     *
     * @return the registry
     */
    public MeterRegistry registry() {
        return prometheus();
    }

    private PrometheusMeterRegistry prometheus() {
        return registering.join();
    }

    /** Stops telling the binding counters and closes the registry. */
    @Override
    public void close() {
        bindings.stopTelling();
        // Without waiting for a registry still being made (a host closed at once, a failed start).
        registering.thenAccept(PrometheusMeterRegistry::close);
    }

    private void export(BindingCalls calls) {
        MeterRegistry registry = prometheus();
        Tags tags = Tags.of("caller", calls.caller(), "environment", calls.environment(), "binding", calls.binding(),
                "callee", calls.callee());
        FunctionCounter.builder(BINDING_CALLS, calls.fetch(), LongAdder::sum)
                .description("Calls through service bindings").tags(tags).tag("kind", "fetch").register(registry);
        FunctionCounter.builder(BINDING_CALLS, calls.rpc(), LongAdder::sum)
                .description("Calls through service bindings").tags(tags).tag("kind", "rpc").register(registry);
    }

    private static RequestStats.Key keyOf(LoadedWorker worker) {
        return new RequestStats.Key(worker.name(), worker.env().version().environment(), Integer.toString(worker.number()));
    }

    // Removes what versions no longer loaded left, once RequestStats forgot them; every 10 s at most.
    private void pruneNowAndThen() {
        long now = clock.millis();
        if (now - prunedAt < PRUNE_EVERY_MILLIS) {
            return;
        }
        prunedAt = now;
        Set<RequestStats.Key> loadedNow = new HashSet<>();
        for (LoadedWorker worker : loaded.get()) {
            loadedNow.add(keyOf(worker));
        }
        for (RequestStats.Key gone : stats.forgetUnloaded(loadedNow)) {
            Map<String, VersionMeters> inEnvironment = versions.get(gone.environment());
            VersionMeters meters = inEnvironment == null ? null : inEnvironment.remove(gone.worker() + "@" + gone.version());
            if (meters != null) {
                meters.remove();
            }
        }
    }

    private Timer duration(String worker, String environment) {
        MeterRegistry registry = prometheus();
        return durations.computeIfAbsent(worker + "\n" + environment, key -> Timer.builder(DURATION)
                .description("How long requests took, from the request read to the response sent")
                .tags("worker", worker, "environment", environment)
                .serviceLevelObjectives(BUCKETS)
                .register(registry));
    }

    /** The meters of one version, made when its first request arrives. */
    final class VersionMeters {
        private final RequestStats.Key key;
        private final RequestStats.Cells cells;
        private final Timer duration;
        // Per outcome and status class (outcome * 5 + class), made on first use. Counted in a LongAdder
        // that the exported counter reads at scrape time, which costs a request less than Micrometer's
        // own counter (a DoubleAdder's compare-and-set on a double's bits).
        private final AtomicReferenceArray<LongAdder> requests =
                new AtomicReferenceArray<>(RequestOutcome.values().length * STATUS_CLASSES.length);
        private final List<Meter> exported = new ArrayList<>();

        VersionMeters(RequestStats.Key key) {
            this.key = key;
            this.cells = stats.cells(key);
            this.duration = duration(key.worker(), key.environment());
        }

        void finished(RequestOutcome outcome, int status, long nanos) {
            int statusClass = Math.min(Math.max(status / 100, 1), 5) - 1;
            LongAdder counter = requests.get(outcome.ordinal() * STATUS_CLASSES.length + statusClass);
            if (counter == null) {
                counter = counter(outcome, statusClass);
            }
            counter.increment();
            duration.record(nanos, TimeUnit.NANOSECONDS);
            stats.record(cells, nanos, outcome != RequestOutcome.OK || status >= 500);
        }

        private synchronized LongAdder counter(RequestOutcome outcome, int statusClass) {
            int index = outcome.ordinal() * STATUS_CLASSES.length + statusClass;
            LongAdder counter = requests.get(index);
            if (counter == null) {
                counter = new LongAdder();
                exported.add(FunctionCounter.builder(REQUESTS, counter, LongAdder::sum)
                        .description("Requests that reached a worker")
                        .tags("worker", key.worker(), "environment", key.environment(), "version", key.version(),
                                "outcome", outcome.label(), "status", STATUS_CLASSES[statusClass])
                        .register(prometheus()));
                requests.set(index, counter);
            }
            return counter;
        }

        synchronized void remove() {
            exported.forEach(prometheus()::remove);
            exported.clear();
        }
    }
}
