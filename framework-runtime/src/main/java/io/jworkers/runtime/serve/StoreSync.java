package io.jworkers.runtime.serve;

import static io.jworkers.runtime.serve.WorkerLoading.absentSecrets;
import static io.jworkers.runtime.serve.WorkerLoading.flag;
import static io.jworkers.runtime.serve.WorkerLoading.inBundleTerms;
import static io.jworkers.runtime.serve.WorkerLoading.routingOf;
import static io.jworkers.runtime.serve.WorkerLoading.versionOf;

import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.Served;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.VersionRouting;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.loader.WorkerLoadException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers a host runs, made what its store says: which version of each worker environment
 * this host applied, and why one does not run (with what to do). {@link #sync()} loads whatever
 * changed in the store since; the admin changes tell it what they applied themselves.
 *
 * <p>Not locked itself: {@link ServeHost} calls {@link #sync()}, {@link #activated} and {@link
 * #deleted} under its own monitor, the one every admin change holds, so that a sync never
 * interleaves with a change. The maps are concurrent because the services view reads them
 * without that monitor.
 */
final class StoreSync {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final StateStore store;
    private final WorkerHost host;
    private final DeployedWorkers deployed;
    private final HostStatus status;
    private final Runnable reroute;
    // Why a worker environment (by slot name) is not running, with what to do.
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    // What this host applied per slot: sync() compares it with the store.
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();

    // What this host applied of a worker environment: the versions it loaded (deployments), or
    // tried to (broken: no deployments); deployments are the split's, newest first.
    private record Applied(String worker, String environment, TrafficSplit split, List<Deployment> deployments) {
    }

    StoreSync(StateStore store, WorkerHost host, DeployedWorkers deployed, HostStatus status, Runnable reroute) {
        this.store = store;
        this.host = host;
        this.deployed = deployed;
        this.status = status;
        this.reroute = reroute;
    }

    /**
     * Loads every worker environment whose current version is not the one applied (the replaced
     * version drains) and unloads those the store no longer has; see {@link ServeHost#sync()}.
     *
     * @return the store revision now applied
     * @throws StoreUnreachableException if a shared store cannot be reached
     */
    long sync() {
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
        reroute.run();
        status.applied(revision);
        store.remember(revision, applied.values().stream().filter(a -> !a.deployments().isEmpty())
                .map(a -> new Served(a.worker(), a.environment(), a.split(), a.deployments())).toList());
        return revision;
    }

    /**
     * Records the versions an admin change loaded and sent traffic to: they run.
     *
     * @param split the versions and their shares
     * @param deployments the split's versions, newest first
     */
    void activated(String worker, String environment, TrafficSplit split, List<Deployment> deployments) {
        String slot = WorkerHost.slotName(worker, environment);
        broken.remove(slot);
        applied.put(slot, new Applied(worker, environment, split, List.copyOf(deployments)));
    }



    /** Records a worker environment an admin change deleted. */
    void deleted(String worker, String environment) {
        broken.remove(WorkerHost.slotName(worker, environment));
        applied.remove(WorkerHost.slotName(worker, environment));
    }

    /**
     * Why a worker environment does not run.
     *
     * @param slot its slot name
     * @return the reason with what to do, or {@code null} when nothing is known to be wrong
     */
    String problem(String slot) {
        return broken.get(slot);
    }

    private void follow(String worker, String environment) {
        String slot = WorkerHost.slotName(worker, environment);
        Optional<TrafficSplit> desired;
        try {
            desired = store.split(worker, environment);
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
                broken.remove(slot);
                host.unload(worker, environment, store::collectUnusedBundles);
                LOG.log(Level.INFO, "[" + worker + "] has no current version in " + environment + " any more; unloaded");
            }
            return;
        }
        if (have != null && have.split().sameShares(desired.get())) {
            return;
        }
        List<Deployment> loaded = loadSplit(worker, environment, desired.get());
        applied.put(slot, new Applied(worker, environment, desired.get(), loaded));
        if (have != null && !loaded.isEmpty()) {
            LOG.log(Level.INFO, "[" + worker + "] " + (desired.get().isSplit() ? "versions " + desired.get().describe()
                    : "version " + desired.get().primary()) + " of " + environment + " live (changed on another host)");
        }
    }

    // Loads the versions of a split that this host does not run yet (a version it runs keeps
    // running, in-flight requests and all) and sends them traffic; empty when one is broken, and
    // then what runs stays.
    private List<Deployment> loadSplit(String worker, String environment, TrafficSplit split) {
        String slot = WorkerHost.slotName(worker, environment);
        VersionRouting running = host.routing(worker, environment);
        List<LoadedWorker> fresh = new ArrayList<>(2);
        int number = split.primary();
        try {
            List<LoadedWorker> versions = new ArrayList<>(2);
            List<Deployment> deployments = new ArrayList<>(2);
            for (int version : split.versions()) {
                number = version;
                // The primary is read as the current version, whose damage the store words best.
                Optional<Deployment> read = version == split.primary() ? store.current(worker, environment)
                        : store.deployment(worker, environment, version);
                Deployment deployment = read.orElseThrow(() -> new DamagedStateException(
                        "version " + version + " of \"" + worker + "\" in " + environment + " is deployed but missing"));
                deployments.add(deployment);
                LoadedWorker loaded = running.version(version);
                if (loaded == null) {
                    WorkerConfig config = DeployedWorkers.load(deployment);
                    List<String> absent = absentSecrets(config, deployment.secrets());
                    if (!absent.isEmpty()) {
                        markBroken(slot, worker, "version " + version + " of " + environment + " requires secret "
                                + String.join(", ", absent) + ", which its secrets do not have. Set it with: jworkers secret put "
                                + worker + " " + absent.get(0) + flag(environment));
                        fresh.forEach(LoadedWorker::close);
                        return List.of();
                    }
                    try {
                        loaded = host.prepare(config, deployment.secrets(), versionOf(deployment.info(), environment));
                    } catch (WorkerLoadException e) {
                        markBroken(slot, worker, "version " + version + " of " + environment + " does not load: "
                                + inBundleTerms(config, e) + ". Deploy a fixed version, or roll back: jworkers rollback " + worker
                                + flag(environment));
                        fresh.forEach(LoadedWorker::close);
                        return List.of();
                    }
                    fresh.add(loaded);
                }
                versions.add(loaded);
            }
            host.route(worker, environment, routingOf(split, versions));
            broken.remove(slot);
            return deployments;
        } catch (StoreUnreachableException e) {
            fresh.forEach(LoadedWorker::close);
            throw e;
        } catch (DamagedStateException e) {
            fresh.forEach(LoadedWorker::close);
            markBroken(slot, worker, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // Whatever one worker does wrong, the others start.
            fresh.forEach(LoadedWorker::close);
            markBroken(slot, worker, "version " + number + " of " + environment + " does not load: " + e.getMessage()
                    + ". Deploy a fixed version, or roll back: jworkers rollback " + worker + flag(environment));
        }
        return List.of();
    }

    private void markBroken(String slot, String worker, String why) {
        broken.put(slot, why);
        LOG.log(Level.ERROR, "[" + worker + "] not running: " + why);
    }
}
