package io.jworkers.runtime.serve;

import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.deploy.FolderStore;
import io.jworkers.runtime.deploy.HostRecord;
import io.jworkers.runtime.deploy.StateProblem;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.WorkerRouter;
import io.jworkers.runtime.worker.WorkerSlot;
import io.jworkers.runtime.tail.TailHub;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The workers of {@code jworkers serve}: every environment's current version from the
 * {@link StateStore}, loaded at start, and the changes the admin API asks for. Every change
 * (deploy, promote, rollback, secret) is checked completely — config, bindings, secrets, routes,
 * and the version really loaded and started — before it is committed, so a refused change changes
 * nothing; the loaded version then takes over atomically. One damaged worker never stops the
 * host: it is logged and shown as broken, and a deploy repairs it.
 *
 * <p>The admin changes ({@link AdminChanges}) and applying the store ({@link StoreSync}) take
 * turns on this host's monitor; who the host is and whether it is ready is its {@link
 * HostStatus}.
 */
public final class ServeHost implements WorkerRouter, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final StateStore store;
    private final WorkerHost host;
    private final BundleLimits limits;
    private final HostStatus status = new HostStatus();
    private final RouteAssignment routeAssignment;
    private final StoreSync sync;
    private final AdminChanges changes;
    private final ServicesView services;
    private final TailHub tails = new TailHub();
    private volatile EnvironmentRoutes routes = EnvironmentRoutes.NONE;

    private ServeHost(StateStore store, WorkerHost host, BundleLimits limits) {
        this.store = store;
        this.host = host;
        tails.redactSecretsOf(host::workers);
        this.limits = limits;
        DeployedWorkers deployed = new DeployedWorkers(store);
        this.routeAssignment = new RouteAssignment(deployed, host);
        this.sync = new StoreSync(store, host, deployed, status, this::reroute);
        this.changes = new AdminChanges(store, host, limits, deployed, routeAssignment, sync, this::reroute);
        this.services = new ServicesView(store, host, deployed, routeAssignment, sync);
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
        return sync.sync();
    }

    /**
     * Says who this host is to the store's host list: its admin address and when it started.
     *
     * @param address the admin API's address, e.g. {@code http://10.0.0.7:9090}
     */
    public void identify(String address) {
        status.identify(address);
    }

    /**
     * This host as the store's host list shows it, with its applied revision and now as heartbeat.
     *
     * @return the record
     */
    public HostRecord self() {
        return status.self();
    }

    /**
     * The hosts of the store with the store's revision, for {@code jworkers hosts}. A store only
     * this host changes lists this host alone.
     *
     * @return the view
     * @throws StoreUnreachableException if a shared store cannot be reached
     */
    public HostsView hosts() {
        return status.hosts(store);
    }

    /**
     * Whether this host should get traffic: its workers are loaded and it caught up with the
     * store (both true once {@link #open} returns), and it is not draining.
     *
     * @return the readiness
     */
    public boolean ready() {
        return status.ready();
    }

    /**
     * Whether the host applied the store's state once (or the snapshot of it it kept).
     *
     * @return {@code true} after the first {@link #sync()} that worked
     */
    public boolean caughtUp() {
        return status.caughtUp();
    }

    /**
     * Why the host is or is not ready, for {@code GET /readyz}.
     *
     * @return {@code ready}, {@code draining}, or {@code not caught up with the state store}
     */
    public String readiness() {
        return status.readiness();
    }

    /** Marks the host as draining: not ready from now on, so load balancers stop sending to it. */
    public void beginDrain() {
        status.beginDrain();
    }

    /**
     * The store revision whose state this host serves.
     *
     * @return the revision; 0 for a store only this host changes
     */
    public long appliedRevision() {
        return status.appliedRevision();
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
     * The host's live tails.
     *
     * @return the hub
     */
    @Override
    public TailHub tails() {
        return tails;
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

    private void reroute() {
        routes = routeAssignment.routes();
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
        return changes.deploy(worker, environment, bundle, options);
    }

    /**
     * Sends a worker environment's traffic to one or two of its versions ({@code jworkers versions
     * deploy NAME 4@10 3@90}): versions already running keep running, new ones are loaded and
     * checked first, versions leaving the split drain and close. Which version a request reaches
     * is decided by its version key and overrides (see {@code VersionKey}), alike on every host.
     *
     * @param worker the worker
     * @param environment the environment
     * @param split the versions and their percentages, with the deployment's message
     * @param force whether to deploy although an RPC contract check refuses it
     * @return the split now deployed
     * @throws DeployRejectedException if a version does not exist, does not load or is refused; nothing changed then
     */
    public synchronized TrafficSplit deploySplit(String worker, String environment, TrafficSplit split, boolean force) {
        return changes.deploySplit(worker, environment, split, force);
    }

    /**
     * Checks a bundle as a deploy would, without deploying it: its config, its bindings'
     * targets, its classes loaded and started (then stopped), and the RPC contracts both ways
     * against the versions running now ({@code jworkers check}). Nothing is stored.
     *
     * @param worker the worker name the caller means
     * @param environment the environment it would be deployed to
     * @param bundle the bundle zip
     * @return the contracts it would break; empty violations when none
     * @throws DeployRejectedException if the bundle would be refused for another reason
     */
    public synchronized ContractReport check(String worker, String environment, Path bundle) {
        return changes.check(worker, environment, bundle);
    }

    /**
     * Makes an earlier version current again.
     *
     * @param worker the worker
     * @param environment the environment
     * @param version the version, or {@code null} for the one before the current (during a split:
     *     the older version of the two)
     * @return the version now current
     * @throws DeployRejectedException if there is no such version or it does not load; nothing changed then
     */
    public synchronized VersionInfo rollback(String worker, String environment, Integer version) {
        return changes.rollback(worker, environment, version, false);
    }

    /**
     * Makes an earlier version current again, as {@link #rollback(String, String, Integer)} does,
     * going on when the version breaks an RPC contract a caller uses if {@code force} says so.
     *
     * @param worker the worker
     * @param environment the environment
     * @param version the version, or {@code null} as for the other rollback
     * @param force whether to roll back although an RPC contract breaks
     * @return the version now current
     * @throws DeployRejectedException if there is no such version, it does not load or is refused; nothing changed then
     */
    public synchronized VersionInfo rollback(String worker, String environment, Integer version, boolean force) {
        return changes.rollback(worker, environment, version, force);
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
        return changes.promote(worker, from, version, to, message);
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
        return changes.putSecret(worker, environment, key, value, create);
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
        return changes.deleteSecret(worker, environment, key);
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
        changes.delete(worker, environment);
    }

    @Override
    public void close() {
        tails.close();
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
        return services.build();
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
