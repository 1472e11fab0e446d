package io.jworkers.runtime.dev;

import io.jworkers.runtime.build.BuildFailedException;
import io.jworkers.runtime.build.BuildRunner;
import io.jworkers.runtime.config.BuildConfig;
import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.DevSecrets;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.WorkerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.jworkers.runtime.dashboard.Dashboard;
import io.jworkers.runtime.dashboard.LoopbackHost;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.HelidonWarmup;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.http.WorkerRouter;
import io.jworkers.runtime.metrics.DashboardStats;
import io.jworkers.runtime.tail.TailFeed;
import io.jworkers.runtime.tail.TailHub;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What {@code jworkers dev} runs: every given worker in one host, the first (the primary) served
 * on a local port for every path, the others reachable only through bindings.
 *
 * <p>Everything is checked before anything starts: all configs parse, the workers with a
 * {@code build} build, names are unique, required secrets are in {@code .dev.vars}, and every
 * worker loads; otherwise nothing is left running.
 */
public final class DevServer implements AutoCloseable {

    /** How long a worker's files must stay unchanged before it is rebuilt or reloaded: one build's burst of writes. */
    static final Duration QUIET_PERIOD = Duration.ofMillis(300);

    private final List<WorkerConfig> configs;
    private final List<Secrets> secrets;
    private final Map<String, BuildConfig> builds;
    private final WorkerHost host;
    private final IngressServer ingress;
    private final String address;
    private final TailHub tails;
    private final Instant startedAt = Instant.now();
    private final List<FolderWatcher> watchers = new CopyOnWriteArrayList<>();
    private volatile DevAdminServer admin;

    private DevServer(List<WorkerConfig> configs, List<Secrets> secrets, Map<String, BuildConfig> builds, WorkerHost host,
            IngressServer ingress, String address, TailHub tails) {
        this.configs = configs;
        this.secrets = secrets;
        this.builds = builds;
        this.host = host;
        this.ingress = ingress;
        this.address = address;
        this.tails = tails;
    }

    /**
     * Loads the workers and starts the listener.
     *
     * @param configFiles the configs; the first is the primary
     * @param environment the config environment to use ({@code env.NAME} blocks), or {@code null}
     * @param ip the address to listen on, e.g. {@code 127.0.0.1}
     * @param port the port, 0 for a free one
     * @return the running server
     * @throws ConfigException for a bad config, a duplicate name or a missing secret
     * @throws io.jworkers.runtime.loader.WorkerLoadException if a worker cannot be loaded
     */
    public static DevServer start(List<Path> configFiles, String environment, String ip, int port) {
        return start(configFiles, environment, IngressSettings.defaults(ip, port));
    }

    /**
     * Loads the workers and starts the listener with the given settings; workers with a
     * {@code build} are built first, their output going to standard output.
     *
     * @param configFiles the configs; the first is the primary
     * @param environment the config environment to use, or {@code null}
     * @param settings the listener's address, limits and grace periods
     * @return the running server
     * @throws ConfigException for a bad config, a duplicate name or a missing secret
     * @throws BuildFailedException if a worker's build command fails
     * @throws io.jworkers.runtime.loader.WorkerLoadException if a worker cannot be loaded
     */
    public static DevServer start(List<Path> configFiles, String environment, IngressSettings settings) {
        return start(configFiles, environment, settings, System.out);
    }

    /**
     * Builds the workers that have a {@code build}, loads them all and starts the listener.
     *
     * @param configFiles the configs; the first is the primary
     * @param environment the config environment to use, or {@code null}
     * @param settings the listener's address, limits and grace periods
     * @param out where the builds' output goes
     * @return the running server
     * @throws ConfigException for a bad config, a duplicate name or a missing secret
     * @throws BuildFailedException if a worker's build command fails
     * @throws io.jworkers.runtime.loader.WorkerLoadException if a worker cannot be loaded
     */
    public static DevServer start(List<Path> configFiles, String environment, IngressSettings settings, PrintStream out) {
        return start(configFiles, environment, settings, out, null);
    }

    /**
     * As {@link #start(List, String, IngressSettings, PrintStream)}, exporting the spans of every
     * request's worker hops.
     *
     * @param configFiles the configs; the first is the primary
     * @param environment the config environment to use, or {@code null}
     * @param settings the listener's address, limits and grace periods
     * @param out where the builds' output goes
     * @param spans where spans go, {@code null} for nowhere; the caller closes it
     * @return the running server
     */
    public static DevServer start(List<Path> configFiles, String environment, IngressSettings settings, PrintStream out,
            io.jworkers.runtime.trace.SpanSink spans) {
        if (configFiles.isEmpty()) {
            throw new ConfigException("No worker config given: pass -c path/to/worker.jsonc");
        }
        HelidonWarmup.inBackground(); // while the configs are parsed and the workers load
        // Every config is checked before the first build starts: a typo should not cost a build.
        Map<String, BuildConfig> builds = new LinkedHashMap<>();
        for (Path file : configFiles) {
            ConfigLoader.build(file, environment).ifPresent(build -> builds.putIfAbsent(build.worker(), build));
        }
        builds.values().forEach(build -> BuildRunner.run(build, out));
        List<WorkerConfig> configs = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : configFiles) {
            WorkerConfig config = ConfigLoader.load(file, environment);
            Path earlier = seen.putIfAbsent(config.name(), config.file());
            if (earlier != null) {
                throw new ConfigException("Two configs name the worker \"" + config.name() + "\": " + earlier + " and "
                        + config.file() + ". Worker names must be unique; rename one.");
            }
            configs.add(config);
        }
        List<Secrets> secrets = configs.stream().map(config -> DevSecrets.load(config, environment)).toList();

        // A replaced version's in-flight requests and waitUntil work get the shutdown grace to finish.
        WorkerHost host = new WorkerHost(settings.shutdownGrace(), false);
        host.metrics(); // its registry is made on a thread of its own while the workers load
        try {
            for (int i = 0; i < configs.size(); i++) {
                host.load(configs.get(i), secrets.get(i));
            }
            host.checkEntrypoints(configs);
            // The live logs of the dashboard and of jworkers tail; with none open, one volatile read per request.
            TailHub tails = new TailHub().redactSecretsOf(host::workers);
            IngressServer ingress = IngressServer.start(settings,
                    WorkerRouter.everythingTo(host.slot(configs.get(0).name()), tails), host.requests(), host.metrics(), spans);
            return new DevServer(List.copyOf(configs), secrets, Map.copyOf(builds), host, ingress, settings.host(), tails);
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
    }

    /**
     * Starts the admin listener on 127.0.0.1 without a token: {@code GET /metrics}, the web
     * dashboard at {@code /} (read-only, no login: see {@link Dashboard#loopbackOpen}), the live
     * tail {@code GET /v1/workers/{name}/tail} that {@code jworkers tail} reads, and what
     * {@code moreRoutes} adds. Only requests addressed to a loopback name with its port are
     * answered (see {@link LoopbackHost}). It stops with the server.
     *
     * @param port the port, 0 for a free one
     * @param moreRoutes further routes, or {@code routing -> { }}
     * @return the listener
     */
    public DevAdminServer startAdmin(int port, Consumer<HttpRouting.Builder> moreRoutes) {
        Dashboard dashboard = Dashboard.loopbackOpen(new DevDashboardSource(configs, host, startedAt, this::adminUrl))
                .tail(new TailFeed(tails))
                // Read at each page: the host's metrics are made on a thread of their own at start.
                .stats((worker, environment) -> new DashboardStats(host.metrics().requestStats()).stats(worker, environment));
        Set<String> names = configs.stream().map(WorkerConfig::name).collect(Collectors.toUnmodifiableSet());
        DevAdminServer started = DevAdminServer.start("127.0.0.1", port, host.metrics(), routing -> {
            new DevTailRoute(tails, names).register(routing);
            dashboard.register(routing);
            moreRoutes.accept(routing);
        });
        admin = started;
        return started;
    }

    private String adminUrl() {
        DevAdminServer started = admin;
        return started == null ? "" : started.url();
    }

    /**
     * The live tails of the workers' requests (the dashboard's live logs, {@code jworkers tail}).
     *
     * @return the hub
     */
    public TailHub tails() {
        return tails;
    }

    /**
     * The port the primary worker is served on.
     *
     * @return the port
     */
    public int port() {
        return ingress.port();
    }

    /**
     * The URL the primary worker is served at.
     *
     * @return e.g. {@code http://127.0.0.1:8787}
     */
    public String url() {
        return "http://" + address + ":" + port();
    }

    /**
     * The host running the workers.
     *
     * @return the host
     */
    public WorkerHost host() {
        return host;
    }

    /**
     * The configs, primary first.
     *
     * @return the configs
     */
    public List<WorkerConfig> configs() {
        return configs;
    }

    /**
     * Each worker's bindings and vars, as Wrangler prints them.
     *
     * @return the report text
     */
    public String bindingReport() {
        return BindingReport.of(configs, host);
    }

    /**
     * Reloads a worker whenever its classes or jars change: a new version with a new loader,
     * swapped in while requests in flight finish on the old one. A version that fails to load
     * leaves the running one in place. A worker with a {@code build} is built again when a file
     * under its {@code watch_dir} changes, and reloads once that build succeeded.
     *
     * @param out where to say what was built and reloaded, or why not
     */
    public void watchForChanges(PrintStream out) {
        watchForChanges(out, LiveReload.DEFAULT_SETTLE_LIMIT);
    }

    /**
     * As {@link #watchForChanges(PrintStream)}, with the time a changed classpath may stay
     * incomplete (a class it had, or one its manifest lists, missing) before it is loaded anyway
     * and a failure is reported.
     *
     * @param out where to say what was built and reloaded, or why not
     * @param settleLimit how long to wait for an incomplete classpath to be completed by its build
     */
    public void watchForChanges(PrintStream out, Duration settleLimit) {
        Map<String, WorkerConfig> byName = new LinkedHashMap<>();
        Map<String, Secrets> secretsByName = new LinkedHashMap<>();
        Map<String, List<FolderWatcher.Root>> classpaths = new LinkedHashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            WorkerConfig config = configs.get(i);
            byName.put(config.name(), config);
            secretsByName.put(config.name(), secrets.get(i));
            classpaths.put(config.name(), config.classpath().stream().map(FolderWatcher.Root::of).toList());
        }
        LiveReload reload = new LiveReload(byName, secretsByName, host, out, settleLimit);
        watchers.add(FolderWatcher.start("jworkers-dev-watch", classpaths, QUIET_PERIOD, path -> false, reload));
        if (!builds.isEmpty()) {
            Map<String, List<FolderWatcher.Root>> sources = new LinkedHashMap<>();
            builds.forEach((name, build) -> sources.put(name,
                    build.watchDirs().stream().map(dir -> new FolderWatcher.Root(dir, false)).toList()));
            SourceFilter notSources = new SourceFilter(configs.stream().flatMap(config -> config.classpath().stream()).toList(),
                    builds.values().stream().flatMap(build -> build.watchDirs().stream()).toList());
            watchers.add(FolderWatcher.start("jworkers-dev-build", sources, QUIET_PERIOD, notSources,
                    new Rebuild(builds, reload, out)));
        }
    }

    /**
     * What to do if the listener stops accepting connections while it should not (see
     * {@link IngressServer#whenListenerFails}).
     *
     * @param action takes a sentence that says which listener stopped and why
     */
    public void whenListenerFails(java.util.function.Consumer<String> action) {
        ingress.whenListenerFails(action);
    }

    /**
     * How many requests are being served right now.
     *
     * @return the count
     */
    public int inFlight() {
        return ingress.inFlight();
    }

    /** Drains and stops the listener, then unloads every worker (their {@code stop()} runs). */
    @Override
    public void close() {
        watchers.forEach(FolderWatcher::close);
        // Open tails end first: their streams would otherwise hold the admin listener's stop.
        tails.close();
        try {
            ingress.close();
            DevAdminServer started = admin;
            if (started != null) {
                started.close();
            }
        } finally {
            host.close();
        }
    }
}
