package io.jworkers.runtime.serve;

import io.jworkers.api.WorkerVersion;
import io.jworkers.runtime.bundle.BundleArchive;
import io.jworkers.runtime.bundle.BundleClasspath;
import io.jworkers.runtime.bundle.BundleException;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.bundle.UnpackedBundle;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.DeploymentStore;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.RouteTable;
import io.jworkers.runtime.http.WorkerRouter;
import io.jworkers.runtime.loader.WorkerLoadException;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.UUID;

/**
 * The workers of {@code jworkers serve}: every environment's current version from the
 * {@link DeploymentStore}, loaded at start, and the changes the admin API asks for. A change is
 * checked completely before anything is written or swapped, so a refused one changes nothing.
 */
public final class ServeHost implements WorkerRouter, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final DeploymentStore store;
    private final WorkerHost host;
    private final BundleLimits limits;
    private volatile EnvironmentRoutes routes = EnvironmentRoutes.NONE;

    private ServeHost(DeploymentStore store, WorkerHost host, BundleLimits limits) {
        this.store = store;
        this.host = host;
        this.limits = limits;
    }

    /**
     * Opens the state folder and loads every environment's current version.
     *
     * @param stateDir the state folder
     * @return the host
     */
    public static ServeHost open(Path stateDir) {
        return open(stateDir, BundleLimits.DEFAULT);
    }

    /**
     * Opens the state folder with other bundle limits than the defaults.
     *
     * @param stateDir the state folder
     * @param limits the limits deployed bundles are held to
     * @return the host
     */
    public static ServeHost open(Path stateDir, BundleLimits limits) {
        ServeHost serve = new ServeHost(DeploymentStore.open(stateDir), new WorkerHost(WorkerHost.DEFAULT_DRAIN_TIMEOUT, true),
                limits);
        for (String worker : serve.store.workers()) {
            for (String environment : serve.store.environments(worker)) {
                serve.store.current(worker, environment).ifPresent(deployment -> {
                    try {
                        serve.load(worker, environment, deployment);
                    } catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "[" + worker + "] version " + deployment.info().number() + " of " + environment
                                + " does not load: " + e.getMessage());
                    }
                });
            }
        }
        serve.reroute();
        return serve;
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
     * The deployments on disk.
     *
     * @return the store
     */
    public DeploymentStore store() {
        return store;
    }

    /**
     * The limits deployed bundles are held to.
     *
     * @return the limits
     */
    public BundleLimits limits() {
        return limits;
    }

    @Override
    public Optional<WorkerSlot> route(String path) {
        return routes.route(path);
    }

    @Override
    public Optional<WorkerSlot> route(String hostName, String path) {
        return routes.route(hostName, path);
    }

    /**
     * Deploys a bundle as a new version of a worker in an environment and makes it current.
     *
     * @param worker the worker name the caller means
     * @param environment the environment
     * @param bundle the bundle zip, read once: checked, trial-loaded and stored as unpacked
     * @param message the version's message, possibly {@code null}
     * @return the new version
     * @throws DeployRejectedException if it is refused; nothing changed then
     */
    public synchronized VersionInfo deploy(String worker, String environment, Path bundle, String message) {
        VersionInfo version;
        Path unpackedFolder = store.scratch().resolve("unpack-" + UUID.randomUUID());
        try {
            UnpackedBundle unpacked = BundleArchive.extract(bundle, unpackedFolder, limits);
            BundleClasspath.check(unpacked);
            WorkerConfig config = checkedConfig(unpacked.folder().resolve(WorkerBundle.CONFIG), worker, environment);
            BundleClasspath.checkLoaded(unpacked, config.classpath());
            tryLoad(config, environment);
            version = store.deploy(worker, environment, unpacked, message);
        } catch (BundleException | DeploymentException e) {
            throw new DeployRejectedException(400, e.getMessage());
        } catch (NoSpaceLeftException e) {
            throw new DeployRejectedException(507, e.getMessage());
        } finally {
            deleteTree(unpackedFolder); // gone already if the store took it
        }
        load(worker, environment, store.current(worker, environment).orElseThrow());
        reroute();
        LOG.log(Level.INFO, "[" + worker + "] version " + version.number() + " of " + environment + " is live"
                + (message == null ? "" : ": " + message));
        return version;
    }

    /**
     * Makes an earlier version current again.
     *
     * @param worker the worker
     * @param environment the environment
     * @param version the version, or {@code null} for the one before the current
     * @return the version now current
     * @throws DeployRejectedException if there is no such version or it does not load; nothing changed then
     */
    public synchronized VersionInfo rollback(String worker, String environment, Integer version) {
        requireDeployed(worker, environment);
        VersionInfo target = version == null ? previousVersion(worker, environment) : store.versions(worker, environment)
                .stream().filter(v -> v.number() == version).findFirst()
                .orElseThrow(() -> new DeployRejectedException(404, "Worker \"" + worker + "\" has no version " + version
                        + " in " + environment + "; it has " + numbers(worker, environment) + ". See jworkers versions " + worker));
        VersionInfo current;
        try {
            current = store.rollback(worker, environment, target.number());
        } catch (DeploymentException e) {
            throw new DeployRejectedException(409, e.getMessage());
        }
        load(worker, environment, store.current(worker, environment).orElseThrow());
        reroute();
        return current;
    }

    /**
     * Promotes a version's code from one environment to another: a new version of the target
     * environment with the source version's classes and jars ({@code classpath}, {@code main}),
     * and the target environment's own settings (routes, bindings, vars, secrets, limits) taken
     * from its current version, so that promoting staging to production never carries staging's
     * vars or bindings along. Checked like a deploy.
     *
     * @param worker the worker
     * @param from the environment whose version is promoted
     * @param version the version in {@code from}, or {@code null} for its current one
     * @param to the environment that gets the new version
     * @param message the new version's message, or {@code null} for "Promoted from FROM version N"
     * @return the new version of {@code to}
     * @throws DeployRejectedException if the source does not exist, the target has no version to take its
     *     settings from, or the result would not deploy; nothing changed then
     */
    public synchronized VersionInfo promote(String worker, String from, Integer version, String to, String message) {
        if (from.equals(to)) {
            throw new DeployRejectedException(400, "Cannot promote \"" + worker + "\" from " + from
                    + " to itself; use jworkers rollback to change its current version");
        }
        requireDeployed(worker, from);
        int number = version != null ? version : store.current(worker, from).orElseThrow().info().number();
        Deployment source = store.deployment(worker, from, number).orElseThrow(() -> new DeployRejectedException(404,
                "Worker \"" + worker + "\" has no version " + number + " in " + from + "; it has " + numbers(worker, from)
                        + ". See jworkers versions " + worker + " --env " + from));
        Deployment settings = store.current(worker, to).orElseThrow(() -> new DeployRejectedException(409,
                "Worker \"" + worker + "\" has no version in " + to + " to take its settings (routes, bindings, vars) from; "
                        + "deploy it there once with: jworkers deploy -c CONFIG" + (to.equals(WorkerHost.PRODUCTION) ? "" : " --env " + to)));
        Path bundle = PromotedBundle.write(source, settings, store.scratch());
        try {
            return deploy(worker, to, bundle, message != null ? message : "Promoted from " + from + " version " + number);
        } finally {
            deleteTree(bundle);
        }
    }

    /**
     * Sets a secret of a worker in an environment; a running version sees it from its next
     * version on (secrets are part of a version's environment, as in Cloudflare, so setting one
     * reloads the current version).
     *
     * @param worker the worker
     * @param environment the environment
     * @param key the secret's name
     * @param value the secret
     */
    public synchronized void putSecret(String worker, String environment, String key, String value) {
        try {
            store.putSecret(worker, environment, key, value);
        } catch (DeploymentException e) {
            throw new DeployRejectedException(400, e.getMessage());
        }
        store.current(worker, environment).ifPresent(deployment -> load(worker, environment, deployment));
    }

    private void load(String worker, String environment, Deployment deployment) {
        WorkerConfig config = ConfigLoader.load(deployment.bundleDir().resolve(WorkerBundle.CONFIG), null);
        VersionInfo info = deployment.info();
        host.load(config, Secrets.of(store.secrets(worker, environment)), environment, new WorkerVersion(
                environment + "/" + info.number(), info.number(), environment, info.message() == null ? "" : info.message(),
                info.createdAt(), info.sha256()));
    }

    private WorkerConfig checkedConfig(Path configFile, String worker, String environment) {
        WorkerConfig config;
        try {
            config = ConfigLoader.load(configFile, null);
        } catch (ConfigException e) {
            throw new DeployRejectedException(400, "The bundle's config is not valid: " + e.getMessage());
        }
        if (!config.name().equals(worker)) {
            throw new DeployRejectedException(400, "The bundle is worker \"" + config.name() + "\", not \"" + worker + "\"");
        }
        List<String> missing = new ArrayList<>();
        for (ServiceBindingConfig binding : config.services()) {
            String targetEnvironment = binding.environment() == null ? WorkerHost.PRODUCTION : binding.environment();
            boolean self = binding.service().equals(worker) && targetEnvironment.equals(environment);
            if (!self && store.current(binding.service(), targetEnvironment).isEmpty()) {
                missing.add("binding " + binding.binding() + " targets worker \"" + binding.service() + "\" in "
                        + targetEnvironment + ", which is not deployed");
            }
        }
        if (!missing.isEmpty()) {
            throw new DeployRejectedException(409, "Deploy of \"" + worker + "\" refused: " + String.join("; ", missing)
                    + ". Deployed workers: " + deployedList() + ". Deploy the targets first.");
        }
        List<String> absent = config.requiredSecrets().stream()
                .filter(secret -> !store.secretNames(worker, environment).contains(secret)).sorted().toList();
        if (!absent.isEmpty()) {
            throw new DeployRejectedException(409, "Deploy of \"" + worker + "\" refused: it requires secret"
                    + (absent.size() == 1 ? " " : "s ") + String.join(", ", absent) + ", not set in " + environment
                    + ". Set it with: jworkers secret put " + worker + " " + absent.get(0)
                    + (environment.equals(WorkerHost.PRODUCTION) ? "" : " --env " + environment));
        }
        return config;
    }

    // Loads the candidate in a scratch host, so that an entrypoint problem is found before anything changes.
    private void tryLoad(WorkerConfig config, String environment) {
        try (WorkerHost scratch = new WorkerHost(Duration.ZERO, true)) {
            scratch.load(config, Secrets.of(store.secrets(config.name(), environment)), environment);
        } catch (WorkerLoadException e) {
            // The scratch copy's paths mean nothing to the deployer: name the bundle's parts instead.
            throw new DeployRejectedException(400, "Deploy of \"" + config.name() + "\" refused, its classes do not load: "
                    + e.getMessage().replace(" (" + config.file() + ")", "")
                            .replace(config.file().getParent() + java.io.File.separator, "bundle:"));
        }
    }

    private void reroute() {
        Map<String, List<RouteTable.Route>> tables = new TreeMap<>();
        tables.put(WorkerHost.PRODUCTION, new ArrayList<>());
        for (String worker : store.workers()) {
            for (String environment : store.environments(worker)) {
                Optional<Deployment> current = store.current(worker, environment);
                if (current.isEmpty()) {
                    continue;
                }
                WorkerConfig config = ConfigLoader.load(current.get().bundleDir().resolve(WorkerBundle.CONFIG), null);
                List<RouteTable.Route> table = tables.computeIfAbsent(environment, e -> new ArrayList<>());
                for (String pattern : config.routes()) {
                    table.add(new RouteTable.Route(pattern, host.slot(WorkerHost.slotName(worker, environment))));
                }
            }
        }
        Map<String, RouteTable> previews = new TreeMap<>();
        tables.forEach((environment, table) -> {
            if (!environment.equals(WorkerHost.PRODUCTION)) {
                previews.put(environment, RouteTable.of(table));
            }
        });
        routes = new EnvironmentRoutes(RouteTable.of(tables.get(WorkerHost.PRODUCTION)), previews);
    }

    private VersionInfo previousVersion(String worker, String environment) {
        int current = store.current(worker, environment).orElseThrow().info().number();
        return store.versions(worker, environment).stream().filter(v -> v.number() < current)
                .reduce((first, second) -> second)
                .orElseThrow(() -> new DeployRejectedException(409, "Worker \"" + worker + "\" has no version before "
                        + current + " in " + environment + " to roll back to"));
    }

    private void requireDeployed(String worker, String environment) {
        if (store.current(worker, environment).isEmpty()) {
            throw new DeployRejectedException(404, "Worker \"" + worker + "\" is not deployed in " + environment
                    + ". Deployed workers: " + deployedList());
        }
    }

    private String deployedList() {
        List<String> names = store.workers();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private List<Integer> numbers(String worker, String environment) {
        return store.versions(worker, environment).stream().map(VersionInfo::number).toList();
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // A scratch folder in the temp dir: best effort.
        }
    }

    @Override
    public void close() {
        host.close();
    }

    /**
     * Each deployed worker with its bound services and whether they are connected.
     *
     * @return the services view
     */
    public List<ServiceView> services() {
        List<ServiceView> views = new ArrayList<>();
        for (String worker : store.workers()) {
            for (String environment : store.environments(worker)) {
                Optional<Deployment> current = store.current(worker, environment);
                if (current.isEmpty()) {
                    continue;
                }
                WorkerConfig config = ConfigLoader.load(current.get().bundleDir().resolve(WorkerBundle.CONFIG), null);
                List<ServiceView.Binding> bindings = new ArrayList<>();
                for (ServiceBindingConfig binding : config.services()) {
                    String target = WorkerHost.slotName(binding.service(), binding.environment());
                    bindings.add(new ServiceView.Binding(binding.binding(), binding.service(),
                            binding.environment() == null ? WorkerHost.PRODUCTION : binding.environment(),
                            host.worker(target).isPresent()));
                }
                Optional<LoadedWorker> loaded = host.worker(WorkerHost.slotName(worker, environment));
                views.add(new ServiceView(worker, environment, current.get().info().number(), loaded.isPresent(),
                        config.routes(), bindings));
            }
        }
        return views;
    }
}
