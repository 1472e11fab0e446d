package io.jworkers.runtime.serve;

import io.jworkers.api.WorkerVersion;
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
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.FolderStore;
import io.jworkers.runtime.deploy.HostRecord;
import io.jworkers.runtime.deploy.Served;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.NewVersion;
import io.jworkers.runtime.deploy.StateProblem;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.WorkerRouter;
import io.jworkers.runtime.loader.WorkerLoadException;
import io.jworkers.runtime.unload.LingeringThreads;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers of {@code jworkers serve}: every environment's current version from the
 * {@link StateStore}, loaded at start, and the changes the admin API asks for. Every change
 * (deploy, promote, rollback, secret) is checked completely — config, bindings, secrets, routes,
 * and the version really loaded and started — before it is committed, so a refused change changes
 * nothing; the loaded version then takes over atomically. One damaged worker never stops the
 * host: it is logged and shown as broken, and a deploy repairs it.
 */
public final class ServeHost implements WorkerRouter, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final StateStore store;
    private final WorkerHost host;
    // Why a worker environment (by slot name) is not running, with what to do.
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    // What this host applied per slot: sync() compares it with the store.
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();
    private volatile long appliedRevision;
    private volatile boolean draining;
    // Whether the host applied the store's state once (or a snapshot of it): not ready before.
    private volatile boolean caughtUp;
    private volatile HostRecord self = new HostRecord(UUID.randomUUID().toString(), "", Instant.now(), Instant.now(), 0);
    private final BundleLimits limits;
    private final DeployedWorkers deployed;
    private final RouteAssignment routeAssignment;
    private volatile EnvironmentRoutes routes = EnvironmentRoutes.NONE;

    private ServeHost(StateStore store, WorkerHost host, BundleLimits limits) {
        this.store = store;
        this.host = host;
        this.limits = limits;
        this.deployed = new DeployedWorkers(store);
        this.routeAssignment = new RouteAssignment(deployed, host);
    }

    /**
     * Opens the state folder and loads every environment's current version. A worker whose files
     * are damaged or whose version does not load is logged and shown as broken; the others run.
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
        return open(FolderStore.open(stateDir), limits);
    }

    /**
     * Serves a store: loads every environment's current version. A worker whose state is damaged
     * or whose version does not load is logged and shown as broken; the others run. A shared
     * store's later changes are applied by {@link #sync()}.
     *
     * @param store the store, closed with the host
     * @param limits the limits deployed bundles are held to
     * @return the host
     */
    public static ServeHost open(StateStore store, BundleLimits limits) {
        ServeHost serve = new ServeHost(store, new WorkerHost(WorkerHost.DEFAULT_DRAIN_TIMEOUT, true), limits);
        try {
            serve.sync();
        } catch (StoreUnreachableException e) {
            // A host of a shared store starts anyway, not ready, serving nothing; it catches up once
            // the store can be reached.
            LOG.log(Level.WARNING, e.getMessage() + "; this host has no snapshot of the store's state to serve and stays not"
                    + " ready (GET /readyz answers 503) until the store can be reached");
        } catch (RuntimeException e) {
            serve.close();
            throw e;
        }
        return serve;
    }

    /**
     * Makes the loaded workers what the store says: every worker environment whose current
     * version is not the one this host applied is loaded (the replaced version drains), one the
     * store no longer has is unloaded. Other hosts' changes to a shared store arrive this way;
     * this host's own changes are applied as they commit, so they find nothing to do here.
     *
     * @return the store revision now applied
     * @throws io.jworkers.runtime.deploy.StoreUnreachableException if a shared store cannot be reached; nothing changed then
     */
    public synchronized long sync() {
        long revision = store.revision();
        Set<String> present = new HashSet<>();
        for (String worker : store.workers()) {
            for (String environment : store.environments(worker)) {
                present.add(WorkerHost.slotName(worker, environment));
                follow(worker, environment);
            }
        }
        for (Map.Entry<String, Applied> entry : new ArrayList<>(applied.entrySet())) {
            if (!present.contains(entry.getKey())) {
                Applied gone = entry.getValue();
                applied.remove(entry.getKey());
                broken.remove(entry.getKey());
                host.unload(gone.worker(), gone.environment(), store::collectUnusedBundles);
                LOG.log(Level.INFO, "[" + gone.worker() + "] deleted from " + gone.environment() + " (store revision " + revision + ")");
            }
        }
        reroute();
        appliedRevision = revision;
        caughtUp = true;
        store.remember(revision, applied.values().stream().filter(a -> a.deployment() != null)
                .map(a -> new Served(a.worker(), a.environment(), a.deployment())).toList());
        return revision;
    }

    /**
     * Says who this host is to the store's host list: its admin address and when it started.
     *
     * @param address the admin API's address, e.g. {@code http://10.0.0.7:9090}
     */
    public void identify(String address) {
        self = new HostRecord(self.id(), address, self.startedAt(), Instant.now(), appliedRevision);
    }

    /**
     * This host as the store's host list shows it, with its applied revision and now as heartbeat.
     *
     * @return the record
     */
    public HostRecord self() {
        return new HostRecord(self.id(), self.address(), self.startedAt(), Instant.now(), appliedRevision);
    }

    /**
     * The hosts of the store with the store's revision, for {@code jworkers hosts}. A store only
     * this host changes lists this host alone.
     *
     * @return the view
     * @throws StoreUnreachableException if a shared store cannot be reached
     */
    public HostsView hosts() {
        long revision = store.revision();
        List<HostRecord> records = store.shared() ? store.hosts() : List.of(self());
        Instant now = Instant.now();
        return new HostsView(revision, records.stream().map(record -> new HostsView.Host(record.id(), record.address(),
                record.startedAt(), record.heartbeatAt(), record.appliedRevision(), Math.max(0, revision - record.appliedRevision()),
                java.time.Duration.between(record.heartbeatAt(), now).toMillis(), record.id().equals(self.id()))).toList());
    }

    /**
     * Whether this host should get traffic: its workers are loaded and it caught up with the
     * store (both true once {@link #open} returns), and it is not draining.
     *
     * @return the readiness
     */
    public boolean ready() {
        return caughtUp && !draining;
    }

    /**
     * Whether the host applied the store's state once (or the snapshot of it it kept).
     *
     * @return {@code true} after the first {@link #sync()} that worked
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Why the host is or is not ready, for {@code GET /readyz}.
     *
     * @return {@code ready}, {@code draining}, or {@code not caught up with the state store}
     */
    public String readiness() {
        return draining ? "draining" : caughtUp ? "ready" : "not caught up with the state store";
    }

    /** Marks the host as draining: not ready from now on, so load balancers stop sending to it. */
    public void beginDrain() {
        draining = true;
    }

    /**
     * The store revision whose state this host serves.
     *
     * @return the revision; 0 for a store only this host changes
     */
    public long appliedRevision() {
        return appliedRevision;
    }

    // What this host applied of a worker environment: the version it loaded (deployment), or
    // tried to (broken: no deployment).
    private record Applied(String worker, String environment, int number, Deployment deployment) {
    }

    private void follow(String worker, String environment) {
        String slot = WorkerHost.slotName(worker, environment);
        Optional<Integer> desired;
        try {
            desired = store.currentNumber(worker, environment);
        } catch (DamagedStateException e) {
            if (!e.getMessage().equals(broken.get(slot))) {
                markBroken(slot, worker, e.getMessage());
            }
            return;
        }
        Applied have = applied.get(slot);
        if (desired.isEmpty()) {
            if (have != null) {
                applied.remove(slot);
                host.unload(worker, environment);
            }
            return;
        }
        if (have != null && have.number() == desired.get()) {
            return;
        }
        Optional<Deployment> loaded = loadCurrent(worker, environment);
        applied.put(slot, new Applied(worker, environment, desired.get(), loaded.orElse(null)));
        if (have != null && loaded.isPresent()) {
            LOG.log(Level.INFO, "[" + worker + "] version " + desired.get() + " of " + environment + " is live (changed on another host)");
        }
    }

    // Loads the current version of a worker environment, replacing what runs; empty when it is broken.
    private Optional<Deployment> loadCurrent(String worker, String environment) {
        String slot = WorkerHost.slotName(worker, environment);
        try {
            Optional<Deployment> current = store.current(worker, environment);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            WorkerConfig config = DeployedWorkers.load(current.get());
            List<String> absent = absentSecrets(config, current.get().secrets());
            if (!absent.isEmpty()) {
                markBroken(slot, worker, "version " + current.get().info().number() + " of " + environment + " requires secret "
                        + String.join(", ", absent) + ", which its secrets do not have. Set it with: jworkers secret put "
                        + worker + " " + absent.get(0) + flag(environment));
                return Optional.empty();
            }
            try {
                host.load(config, current.get().secrets(), environment, versionOf(current.get().info(), environment));
                broken.remove(slot);
                return current;
            } catch (WorkerLoadException e) {
                markBroken(slot, worker, "version " + current.get().info().number() + " of " + environment + " does not load: "
                        + inBundleTerms(config, e) + ". Deploy a fixed version, or roll back: jworkers rollback " + worker
                        + flag(environment));
            }
        } catch (StoreUnreachableException e) {
            throw e;
        } catch (DamagedStateException e) {
            markBroken(slot, worker, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // Whatever one worker does wrong, the others start.
            String number = deployed.currentNumber(worker, environment).map(String::valueOf).orElse("?");
            markBroken(slot, worker, "version " + number + " of " + environment + " does not load: " + e.getMessage()
                    + ". Deploy a fixed version, or roll back: jworkers rollback " + worker + flag(environment));
        }
        return Optional.empty();
    }

    private static List<String> absentSecrets(WorkerConfig config, Secrets secrets) {
        return config.requiredSecrets().stream().filter(secret -> secrets.get(secret).isEmpty()).sorted().toList();
    }

    private void markBroken(String slot, String worker, String why) {
        broken.put(slot, why);
        LOG.log(Level.ERROR, "[" + worker + "] not running: " + why);
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
     * The limits deployed bundles are held to.
     *
     * @return the limits
     */
    public BundleLimits limits() {
        return limits;
    }

    /**
     * The deployments on disk.
     *
     * @return the store
     */
    public StateStore store() {
        return store;
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
     * @param bundle the bundle zip
     * @param options the message, secrets to set with it, whether to take routes
     * @return the new version
     * @throws DeployRejectedException if it is refused; nothing changed then
     */
    public synchronized VersionInfo deploy(String worker, String environment, Path bundle, DeployOptions options) {
        UnpackedBundle staged;
        try {
            staged = store.stage(bundle, limits);
        } catch (BundleException e) {
            throw new DeployRejectedException(400, e.getMessage());
        } catch (NoSpaceLeftException e) {
            throw new DeployRejectedException(507, e.getMessage());
        }
        try {
            BundleClasspath.check(staged);
            WorkerConfig config = stagedConfig(staged, worker);
            BundleClasspath.checkLoaded(staged, config.classpath());
            checkBindingTargets(config, environment);
            RouteAssignment.Taking taking = routeAssignment.taking(config, environment, options.takeRoutes());
            VersionInfo version = commit(worker, environment, new NewVersion(staged, null, options.message(), options.secrets(),
                    taking.taken()), options.message() == null ? "deployed" : options.message());
            taking.movedFrom().forEach((route, owner) -> LOG.log(Level.INFO, "[" + worker + "] took route " + route + " in "
                    + environment + " from " + owner));
            return version;
        } catch (BundleException e) {
            throw new DeployRejectedException(400, e.getMessage());
        } finally {
            store.discard(staged);
        }
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
        int current = requireRunningOrRepairable(worker, environment);
        VersionInfo target = version == null ? previousVersion(worker, environment, current) : store.versions(worker, environment)
                .stream().filter(v -> v.number() == version).findFirst()
                .orElseThrow(() -> new DeployRejectedException(404, "Worker \"" + worker + "\" has no version " + version
                        + " in " + environment + "; it has " + deployed.numbers(worker, environment) + ". See jworkers versions "
                        + worker + flag(environment)));
        LoadedWorker[] prepared = new LoadedWorker[1];
        Deployment[] candidates = new Deployment[1];
        try {
            store.makeCurrent(worker, environment, target.number(), candidate -> {
                candidates[0] = candidate;
                // What held when that version was deployed may not hold now: its targets and routes are checked again.
                DeployedWorkers.config(candidate).ifPresent(config -> {
                    checkBindingTargets(config, environment);
                    routeAssignment.checkRollback(config, target.number(), environment);
                });
                prepared[0] = prepare(candidate, environment);
            });
        } catch (RuntimeException e) {
            closeQuietly(prepared[0]);
            throw e instanceof DeploymentException && !(e instanceof StoreUnreachableException)
                    ? new DeployRejectedException(409, e.getMessage()) : rejection(e);
        }
        activate(worker, environment, prepared[0], candidates[0], "rolled back from version " + current);
        return target;
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
        Deployment currentSource = currentOrReject(worker, from);
        int number = version != null ? version : currentSource.info().number();
        Deployment source = read(() -> store.deployment(worker, from, number)).orElseThrow(() -> new DeployRejectedException(404,
                "Worker \"" + worker + "\" has no version " + number + " in " + from + "; it has " + deployed.numbers(worker, from)
                        + ". See jworkers versions " + worker + flag(from)));
        Deployment settings = read(() -> store.current(worker, to)).orElseThrow(() -> new DeployRejectedException(409,
                "Worker \"" + worker + "\" has no version in " + to + " to take its settings (routes, bindings, vars) from; "
                        + "deploy it there once with: jworkers deploy -c CONFIG" + flag(to)));
        Path bundle = PromotedBundle.write(source, settings, store.scratch());
        try {
            return deploy(worker, to, bundle, new DeployOptions(message != null ? message : "Promoted from " + from
                    + " version " + number, Map.of(), false));
        } finally {
            try {
                Files.deleteIfExists(bundle);
            } catch (IOException ignored) {
                // In staging/, which the next start empties.
            }
        }
    }

    /**
     * Sets a secret. A deployed worker gets a new version with the same code and the new secret
     * set, checked and loaded like a deploy, so {@code versions} shows the change and a rollback
     * restores the earlier set. A worker never deployed to the environment gets it only when
     * {@code create} says so (a typo must not create a worker): its first deploy uses it.
     *
     * @param worker the worker
     * @param environment the environment
     * @param key the secret's name
     * @param value the secret
     * @param create whether a worker not deployed yet may get it
     * @return the new version, or empty when the secret waits for a first deploy
     * @throws DeployRejectedException if it is refused; nothing changed then
     */
    public synchronized Optional<VersionInfo> putSecret(String worker, String environment, String key, String value,
            boolean create) {
        Optional<Deployment> current = read(() -> store.current(worker, environment));
        if (current.isEmpty()) {
            if (!create) {
                throw new DeployRejectedException(404, "Worker \"" + worker + "\" is not deployed in " + environment
                        + ", so it has no secrets to set. Deployed workers: " + deployed.listIn(environment) + ". To set a"
                        + " secret before the first deploy, pass --create; or deploy with --secrets-file FILE.");
            }
            read(() -> {
                store.putPendingSecret(worker, environment, key, value);
                return null;
            });
            LOG.log(Level.INFO, "[" + worker + "] secret " + key + " set in " + environment + " for its first deploy");
            return Optional.empty();
        }
        Map<String, String> change = new LinkedHashMap<>();
        change.put(key, value);
        String what = "Secret " + key + (current.get().secrets().get(key).isPresent() ? " changed" : " set");
        return Optional.of(commit(worker, environment, new NewVersion(null, current.get().info().sha256(), what, change,
                current.get().info().routesTaken()), what));
    }

    /**
     * Deletes a secret: a new version without it, as {@link #putSecret} makes one with it.
     *
     * @param worker the worker
     * @param environment the environment
     * @param key the secret's name
     * @return the new version, or empty when it was a secret waiting for a first deploy
     * @throws DeployRejectedException if it is not set, or the current version requires it
     */
    public synchronized Optional<VersionInfo> deleteSecret(String worker, String environment, String key) {
        Optional<Deployment> current = read(() -> store.current(worker, environment));
        if (current.isEmpty()) {
            boolean deleted = read(() -> store.deletePendingSecret(worker, environment, key));
            if (!deleted) {
                throw new DeployRejectedException(404, "Worker \"" + worker + "\" is not deployed in " + environment
                        + " and has no secret " + key + " waiting for its first deploy");
            }
            LOG.log(Level.INFO, "[" + worker + "] secret " + key + " deleted in " + environment + " before its first deploy");
            return Optional.empty();
        }
        if (current.get().secrets().get(key).isEmpty()) {
            throw new DeployRejectedException(404, "Worker \"" + worker + "\" has no secret " + key + " in " + environment
                    + "; it has: " + names(current.get().secrets()));
        }
        if (deployed.currentConfig(worker, environment).map(config -> config.requiredSecrets().contains(key)).orElse(false)) {
            throw new DeployRejectedException(409, "Cannot delete secret " + key + " of \"" + worker + "\" in " + environment
                    + ": its current version " + current.get().info().number() + " requires it (\"secrets\": { \"required\" })."
                    + " Deploy a version that does not require it first.");
        }
        Map<String, String> change = new LinkedHashMap<>();
        change.put(key, null);
        String what = "Secret " + key + " deleted";
        return Optional.of(commit(worker, environment, new NewVersion(null, current.get().info().sha256(), what, change,
                current.get().info().routesTaken()), what));
    }

    /**
     * Deletes a worker from an environment: its versions, secrets and routes. Refused while a
     * deployed worker binds to it.
     *
     * @param worker the worker
     * @param environment the environment
     * @throws DeployRejectedException if it is not deployed there or something binds to it
     */
    public synchronized void delete(String worker, String environment) {
        if (!store.environments(worker).contains(environment) && store.pendingSecretNames(worker, environment).isEmpty()) {
            throw new DeployRejectedException(404, "Worker \"" + worker + "\" is not deployed in " + environment
                    + ". Deployed workers: " + deployed.listIn(environment));
        }
        List<String> callers = new ArrayList<>();
        for (String other : store.workers()) {
            for (String otherEnvironment : store.environments(other)) {
                if (other.equals(worker) && otherEnvironment.equals(environment)) {
                    continue;
                }
                deployed.currentConfig(other, otherEnvironment).ifPresent(config -> config.services().stream()
                        .filter(binding -> binding.service().equals(worker) && DeployedWorkers.targetEnvironment(binding).equals(environment))
                        .forEach(binding -> callers.add(other + " (" + otherEnvironment + ", binding " + binding.binding() + ")")));
            }
        }
        if (!callers.isEmpty()) {
            throw new DeployRejectedException(409, "Cannot delete \"" + worker + "\" from " + environment + ": "
                    + String.join(", ", callers) + (callers.size() == 1 ? " binds" : " bind") + " to it. Deploy "
                    + (callers.size() == 1 ? "it" : "them") + " without the binding, or delete " + (callers.size() == 1 ? "it" : "them")
                    + ", first.");
        }
        try {
            store.delete(worker, environment);
        } catch (StoreUnreachableException e) {
            throw e;
        } catch (DeploymentException e) {
            throw new DeployRejectedException(500, e.getMessage());
        }
        // Its bundles go once the requests still running on it have drained: they may load classes yet.
        host.unload(worker, environment, store::collectUnusedBundles);
        broken.remove(WorkerHost.slotName(worker, environment));
        applied.remove(WorkerHost.slotName(worker, environment));
        reroute();
        LOG.log(Level.INFO, "[" + worker + "] deleted from " + environment);
    }

    // Adds a version (checked, loaded, committed), then lets it take over.
    private VersionInfo commit(String worker, String environment, NewVersion draft, String what) {
        LoadedWorker[] prepared = new LoadedWorker[1];
        Deployment[] candidates = new Deployment[1];
        VersionInfo version;
        try {
            version = store.addVersion(worker, environment, draft, candidate -> {
                candidates[0] = candidate;
                prepared[0] = prepare(candidate, environment);
            });
        } catch (RuntimeException e) {
            closeQuietly(prepared[0]);
            throw rejection(e);
        }
        activate(worker, environment, prepared[0], candidates[0], what);
        return version;
    }

    // What the admin client is told about a refused or failed change.
    private static RuntimeException rejection(RuntimeException e) {
        if (e instanceof DeployRejectedException || e instanceof StoreUnreachableException) {
            return e;
        }
        if (e instanceof DamagedStateException) {
            return new DeployRejectedException(409, e.getMessage());
        }
        if (e instanceof DeploymentException) {
            return new DeployRejectedException(400, e.getMessage());
        }
        if (e instanceof NoSpaceLeftException) {
            return new DeployRejectedException(507, e.getMessage());
        }
        return e;
    }

    // Everything a candidate version must pass before its commit: a valid config, its required
    // secrets, and its classes really loaded and started (the loaded version is kept to take over).
    private LoadedWorker prepare(Deployment candidate, String environment) {
        WorkerConfig config;
        try {
            config = DeployedWorkers.load(candidate);
        } catch (ConfigException e) {
            throw new DeployRejectedException(400, "The bundle's config is not valid: " + e.getMessage());
        }
        List<String> absent = absentSecrets(config, candidate.secrets());
        if (!absent.isEmpty()) {
            boolean first = deployed.currentNumber(config.name(), environment).isEmpty();
            throw new DeployRejectedException(409, "Deploy of \"" + config.name() + "\" refused: it requires secret"
                    + (absent.size() == 1 ? " " : "s ") + String.join(", ", absent) + ", not set in " + environment
                    + ". Set it with: jworkers secret put " + config.name() + " " + absent.get(0) + flag(environment)
                    + (first ? " --create" : "") + " (or deploy with --secrets-file FILE)");
        }
        try {
            return host.prepare(config, candidate.secrets(), versionOf(candidate.info(), environment));
        } catch (WorkerLoadException e) {
            throw new DeployRejectedException(400, "Deploy of \"" + config.name() + "\" refused, its classes do not load: "
                    + inBundleTerms(config, e));
        }
    }

    // The store's paths mean nothing to the deployer: name the bundle's parts instead.
    private static String inBundleTerms(WorkerConfig config, WorkerLoadException e) {
        return e.getMessage().replace(" (" + config.file() + ")", "")
                .replace(config.file().getParent() + java.io.File.separator, "bundle:");
    }

    private void activate(String worker, String environment, LoadedWorker prepared, Deployment deployment, String what) {
        VersionInfo version = deployment.info();
        host.activate(prepared, environment);
        broken.remove(WorkerHost.slotName(worker, environment));
        applied.put(WorkerHost.slotName(worker, environment), new Applied(worker, environment, version.number(), deployment));
        reroute();
        LOG.log(Level.INFO, "[" + worker + "] version " + version.number() + " of " + environment + " is live: "
                + LogText.oneLine(what));
    }

    private WorkerConfig stagedConfig(UnpackedBundle staged, String worker) {
        WorkerConfig config;
        try {
            config = ConfigLoader.load(staged.folder().resolve(WorkerBundle.CONFIG), null);
        } catch (ConfigException e) {
            throw new DeployRejectedException(400, "The bundle's config is not valid: " + e.getMessage());
        }
        if (!config.name().equals(worker)) {
            throw new DeployRejectedException(400, "The bundle is worker \"" + config.name() + "\", not \"" + worker + "\"");
        }
        return config;
    }

    private void checkBindingTargets(WorkerConfig config, String environment) {
        List<String> missing = new ArrayList<>();
        for (ServiceBindingConfig binding : config.services()) {
            String target = DeployedWorkers.targetEnvironment(binding);
            boolean self = binding.service().equals(config.name()) && target.equals(environment);
            if (!self && !store.environments(binding.service()).contains(target)) {
                missing.add("binding " + binding.binding() + " targets worker \"" + binding.service() + "\" in "
                        + target + ", which is not deployed");
            }
        }
        if (!missing.isEmpty()) {
            throw new DeployRejectedException(409, "Deploy of \"" + config.name() + "\" refused: " + String.join("; ", missing)
                    + ". Deployed workers: " + deployed.listIn(environment) + ". Deploy the targets first.");
        }
    }

    private void reroute() {
        routes = routeAssignment.routes();
    }

    private VersionInfo previousVersion(String worker, String environment, int current) {
        return store.versions(worker, environment).stream().filter(v -> v.number() < current)
                .reduce((first, second) -> second)
                .orElseThrow(() -> new DeployRejectedException(409, "Worker \"" + worker + "\" has no version before "
                        + current + " in " + environment + " to roll back to"));
    }

    // The current version's number, for a rollback: from the index alone, so that a version whose
    // files are damaged can still be rolled back from.
    private int requireRunningOrRepairable(String worker, String environment) {
        Optional<Integer> current;
        try {
            current = store.currentNumber(worker, environment);
        } catch (DamagedStateException e) {
            throw new DeployRejectedException(409, e.getMessage());
        }
        return current.orElseThrow(() -> new DeployRejectedException(404, "Worker \"" + worker + "\" is not deployed in "
                + environment + ". Deployed workers: " + deployed.listIn(environment)));
    }

    private Deployment currentOrReject(String worker, String environment) {
        return read(() -> store.current(worker, environment)).orElseThrow(() -> new DeployRejectedException(404,
                "Worker \"" + worker + "\" is not deployed in " + environment + ". Deployed workers: " + deployed.listIn(environment)));
    }

    /** A store read whose refusal (a bad name, damaged files) is the admin client's problem, not the host's. */
    private static <T> T read(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (StoreUnreachableException e) {
            throw e;
        } catch (DamagedStateException e) {
            throw new DeployRejectedException(409, e.getMessage());
        } catch (DeploymentException e) {
            throw new DeployRejectedException(400, e.getMessage());
        }
    }

    private static WorkerVersion versionOf(VersionInfo info, String environment) {
        return new WorkerVersion(environment + "/" + info.number(), info.number(), environment,
                info.message() == null ? "" : info.message(), info.createdAt(), info.sha256());
    }

    private static void closeQuietly(LoadedWorker worker) {
        if (worker != null) {
            worker.close();
        }
    }

    private static String flag(String environment) {
        return environment.equals(WorkerHost.PRODUCTION) ? "" : " --env " + environment;
    }

    private static String names(Secrets secrets) {
        return secrets.names().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(secrets.names()));
    }

    @Override
    public void close() {
        host.close();
        store.close();
    }

    /**
     * Each worker environment with its routes (and who serves them), its bound services and
     * whether they are connected, and, for a worker that does not run, why and what to do.
     *
     * @return the services view
     */
    public List<ServiceView> services() {
        List<ServiceView> views = new ArrayList<>();
        Map<String, RouteOwners> owners = new TreeMap<>();
        Map<String, List<String>> lingering = LingeringThreads.holdingReplacedVersions();
        for (String worker : store.workers()) {
            for (String environment : store.environments(worker)) {
                String slot = WorkerHost.slotName(worker, environment);
                Optional<LoadedWorker> loaded = host.worker(slot);
                int number = deployed.currentNumber(worker, environment).orElse(0);
                Optional<Deployment> current = Optional.empty();
                String problem = broken.get(slot);
                try {
                    current = store.current(worker, environment);
                } catch (DamagedStateException e) {
                    problem = e.getMessage();
                }
                Optional<WorkerConfig> config = current.flatMap(DeployedWorkers::config);
                if (current.isPresent() && config.isEmpty() && problem == null) {
                    problem = "the config of version " + number + " cannot be read; deploy again";
                }
                if (current.isEmpty() && problem == null) {
                    continue; // a secret waits for a first deploy: nothing to show yet
                }
                RouteOwners routeOwners = owners.computeIfAbsent(environment, routeAssignment::owners);
                List<ServiceView.Route> routeViews = config.map(c -> c.routes().stream()
                        .map(route -> new ServiceView.Route(route, routeOwners.owner(route).orElse(worker))).toList())
                        .orElse(List.of());
                List<ServiceView.Binding> bindings = config.map(c -> c.services().stream()
                        .map(binding -> new ServiceView.Binding(binding.binding(), binding.service(), DeployedWorkers.targetEnvironment(binding),
                                binding.entrypoint(), host.worker(WorkerHost.slotName(binding.service(), binding.environment())).isPresent()))
                        .toList()).orElse(List.of());
                views.add(new ServiceView(worker, environment, number, loaded.isPresent() && problem == null,
                        problem, routeViews, bindings, lingering.getOrDefault(worker, List.of())));
            }
        }
        return views;
    }

    /** The problems in the state folder and the workers that did not load at start, for the start-up report. */
    public List<StateProblem> problems() {
        List<StateProblem> problems = new ArrayList<>();
        for (ServiceView view : services()) {
            if (view.problem() != null) {
                problems.add(new StateProblem(view.worker(), view.environment(), view.problem()));
            }
        }
        return problems;
    }
}
