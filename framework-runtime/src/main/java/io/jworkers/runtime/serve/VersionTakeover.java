package io.jworkers.runtime.serve;

import static io.jworkers.runtime.serve.WorkerLoading.absentSecrets;
import static io.jworkers.runtime.serve.WorkerLoading.flag;
import static io.jworkers.runtime.serve.WorkerLoading.inBundleTerms;
import static io.jworkers.runtime.serve.WorkerLoading.routingOf;
import static io.jworkers.runtime.serve.WorkerLoading.versionOf;

import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.NewVersion;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.worker.VersionRouting;
import java.util.ArrayList;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.loader.WorkerLoadException;
import io.jworkers.runtime.worker.LoadedWorker;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a change's candidate version becomes current: the store holds the change open while the
 * candidate is checked completely (a valid config, its required secrets, its classes really
 * loaded and started); once the store committed it, the version loaded for the check takes over
 * at once. A refused or failed candidate leaves everything as it was, and what it loaded is closed.
 * Called under the host's monitor, as {@link AdminChanges} is.
 */
final class VersionTakeover {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final StateStore store;
    private final WorkerHost host;
    private final DeployedWorkers deployed;
    private final StoreSync sync;
    private final Runnable reroute;
    private final ContractGate contracts;

    VersionTakeover(StateStore store, WorkerHost host, DeployedWorkers deployed, StoreSync sync, Runnable reroute) {
        this.store = store;
        this.host = host;
        this.deployed = deployed;
        this.sync = sync;
        this.reroute = reroute;
        this.contracts = new ContractGate(store, host);
    }

    /**
     * The contract check of this host's changes.
     *
     * @return the gate
     */
    ContractGate contracts() {
        return contracts;
    }

    /**
     * Adds a version (checked, loaded, committed), then lets it take over.
     *
     * @param what what changed, for the log
     * @param mode whether a broken RPC contract refuses it
     * @throws DeployRejectedException if it is refused; nothing changed then
     */
    VersionInfo add(String worker, String environment, NewVersion draft, String what, ContractGate.Mode mode) {
        LoadedWorker[] prepared = new LoadedWorker[1];
        Deployment[] candidates = new Deployment[1];
        VersionInfo version;
        try {
            version = store.addVersion(worker, environment, draft, candidate -> {
                candidates[0] = candidate;
                prepared[0] = prepare(candidate, environment);
                contracts.check(worker, environment, List.of(prepared[0]), "Deploy of \"" + worker + "\"", mode);
            });
        } catch (RuntimeException e) {
            closeQuietly(prepared[0]);
            throw rejection(e);
        }
        activate(worker, environment, prepared[0], candidates[0], what);
        return version;
    }

    /**
     * Adds a version that takes no traffic ({@code versions upload}): checked as a deploy is, its
     * classes loaded and started, then closed again once the store committed it.
     *
     * @throws DeployRejectedException if it is refused; nothing changed then
     */
    VersionInfo upload(String worker, String environment, NewVersion draft, Consumer<Deployment> recheck) {
        LoadedWorker[] prepared = new LoadedWorker[1];
        VersionInfo version;
        try {
            version = store.uploadVersion(worker, environment, draft, candidate -> {
                recheck.accept(candidate);
                prepared[0] = prepare(candidate, environment);
            });
        } catch (RuntimeException e) {
            throw rejection(e);
        } finally {
            closeQuietly(prepared[0]);
        }
        LOG.log(Level.INFO, "[" + worker + "] version " + version.number() + " of " + environment + " uploaded (no traffic yet)"
                + (draft.message() == null ? "" : ": " + LogText.oneLine(draft.message())));
        return version;
    }

    /**
     * Makes a committed version current again (a rollback, which ends any split), checked like a
     * new one and by {@code recheck} first.
     *
     * @param what what changed, for the log
     * @param recheck what else the candidate must pass; refuses it by throwing
     * @param mode whether a broken RPC contract refuses it
     * @throws DeployRejectedException if it is refused; nothing changed then
     */
    void makeCurrent(String worker, String environment, VersionInfo target, String what, Consumer<Deployment> recheck,
            ContractGate.Mode mode) {
        deploy(worker, environment, TrafficSplit.single(target.number()), what, candidates -> candidates.forEach(recheck), mode);
    }

    /**
     * Sends traffic to committed versions as a split says: versions this host runs already keep
     * running (with the requests in flight on them), the others are loaded and checked like new
     * ones before the store commits; versions that leave the split drain, then close.
     *
     * @param what what changed, for the log
     * @param recheck what else the split's versions must pass (newest first); refuses by throwing
     * @param mode whether a broken RPC contract of a version that starts taking traffic refuses it
     * @return the split now deployed
     * @throws DeployRejectedException if it is refused; nothing changed then
     */
    TrafficSplit deploy(String worker, String environment, TrafficSplit split, String what, Consumer<List<Deployment>> recheck,
            ContractGate.Mode mode) {
        VersionRouting running = host.routing(worker, environment);
        List<LoadedWorker> fresh = new ArrayList<>(2);
        List<LoadedWorker> versions = new ArrayList<>(2);
        List<Deployment> deployments = new ArrayList<>(2);
        TrafficSplit deployed;
        try {
            deployed = store.deploy(worker, environment, split, candidates -> {
                recheck.accept(candidates);
                for (Deployment candidate : candidates) {
                    deployments.add(candidate);
                    LoadedWorker loaded = running.version(candidate.info().number());
                    if (loaded == null) {
                        loaded = prepare(candidate, environment);
                        fresh.add(loaded);
                    }
                    versions.add(loaded);
                }
                contracts.check(worker, environment, fresh, "Deploy of \"" + worker + "\" versions " + split.describe(), mode);
            });
        } catch (RuntimeException e) {
            fresh.forEach(VersionTakeover::closeQuietly);
            throw e instanceof DeploymentException && !(e instanceof StoreUnreachableException)
                    && !(e instanceof DamagedStateException) ? new DeployRejectedException(409, e.getMessage()) : rejection(e);
        }
        host.route(worker, environment, routingOf(deployed, versions));
        sync.activated(worker, environment, deployed, deployments);
        reroute.run();
        LOG.log(Level.INFO, "[" + worker + "] " + (deployed.isSplit() ? "versions " + deployed.describe() + " of " + environment
                + " are live" : "version " + deployed.primary() + " of " + environment + " is live") + ": " + LogText.oneLine(what));
        return deployed;
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
    LoadedWorker prepare(Deployment candidate, String environment) {
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

    private void activate(String worker, String environment, LoadedWorker prepared, Deployment deployment, String what) {
        VersionInfo version = deployment.info();
        host.activate(prepared, environment);
        sync.activated(worker, environment, TrafficSplit.single(version.number()), List.of(deployment));
        reroute.run();
        LOG.log(Level.INFO, "[" + worker + "] version " + version.number() + " of " + environment + " is live: "
                + LogText.oneLine(what));
    }

    private static void closeQuietly(LoadedWorker worker) {
        if (worker != null) {
            worker.close();
        }
    }
}
