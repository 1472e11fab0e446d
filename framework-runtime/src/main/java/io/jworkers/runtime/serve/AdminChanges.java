package io.jworkers.runtime.serve;

import static io.jworkers.runtime.serve.WorkerLoading.flag;

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
import io.jworkers.runtime.deploy.NewVersion;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.contracts.ContractViolation;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The changes the admin API asks a host for: deploy, rollback, promote, secrets, delete. Each is
 * checked completely (config, bindings, secrets, routes, and the version really loaded and
 * started) before the store commits it, so a refused change changes nothing; the loaded version
 * then takes over. The methods are those of {@link ServeHost}, which documents them.
 *
 * <p>Not locked itself: {@link ServeHost} calls every method under its own monitor, the one
 * {@link ServeHost#sync()} holds too, so changes take turns with each other and with applying
 * the store.
 */
final class AdminChanges {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final StateStore store;
    private final WorkerHost host;
    private final BundleLimits limits;
    private final DeployedWorkers deployed;
    private final RouteAssignment routeAssignment;
    private final StoreSync sync;
    private final Runnable reroute;
    private final VersionTakeover takeover;

    AdminChanges(StateStore store, WorkerHost host, BundleLimits limits, DeployedWorkers deployed,
            RouteAssignment routeAssignment, StoreSync sync, Runnable reroute) {
        this.store = store;
        this.host = host;
        this.limits = limits;
        this.deployed = deployed;
        this.routeAssignment = routeAssignment;
        this.sync = sync;
        this.reroute = reroute;
        this.takeover = new VersionTakeover(store, host, deployed, sync, reroute);
    }

    /** See {@link ServeHost#deploy}. */
    VersionInfo deploy(String worker, String environment, Path bundle, DeployOptions options) {
        return withStagedBundle(worker, environment, bundle, (staged, config) -> {
            if (options.upload()) {
                return takeover.upload(worker, environment, new NewVersion(staged, null, options.message(), options.secrets(),
                        Map.of()), candidate -> { });
            }
            RouteAssignment.Taking taking = routeAssignment.taking(config, environment, options.takeRoutes());
            String message = options.force() ? ContractGate.forcedMessage(options.message(), "deployed") : options.message();
            VersionInfo version = takeover.add(worker, environment, new NewVersion(staged, null, message, options.secrets(),
                    taking.taken()), message == null ? "deployed" : message, options.force() ? ContractGate.Mode.FORCE : ContractGate.Mode.CHECK);
            taking.movedFrom().forEach((route, owner) -> LOG.log(Level.INFO, "[" + worker + "] took route " + route + " in "
                    + environment + " from " + owner));
            return version;
        });
    }

    // Stages an uploaded bundle, checks what every bundle must pass (its classpath, its config
    // naming the worker, its bindings' targets), runs the change with it, and discards it after.
    private <T> T withStagedBundle(String worker, String environment, Path bundle,
            java.util.function.BiFunction<UnpackedBundle, WorkerConfig, T> change) {
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
            return change.apply(staged, config);
        } catch (BundleException e) {
            throw new DeployRejectedException(400, e.getMessage());
        } finally {
            store.discard(staged);
        }
    }

    /** See {@link ServeHost#deploySplit}. */
    TrafficSplit deploySplit(String worker, String environment, TrafficSplit split, boolean force) {
        read(() -> store.split(worker, environment)); // a damaged index refuses it (409), as a rollback is
        List<Integer> numbers = deployed.numbers(worker, environment);
        if (numbers.isEmpty()) {
            throw new DeployRejectedException(404, "Worker \"" + worker + "\" has no versions in " + environment
                    + ". Upload one with: jworkers versions upload -c CONFIG" + flag(environment) + ", or deploy it: jworkers deploy"
                    + " -c CONFIG" + flag(environment) + ". Deployed workers: " + deployed.listIn(environment));
        }
        for (int number : split.versions()) {
            if (!numbers.contains(number)) {
                throw new DeployRejectedException(404, "Worker \"" + worker + "\" has no version " + number + " in " + environment
                        + "; it has " + numbers + ". Upload one with: jworkers versions upload -c CONFIG" + flag(environment));
            }
        }
        String what = split.message() != null ? split.message()
                : split.isSplit() ? "traffic split " + split.describe() : "version " + split.primary() + " at 100 %";
        if (force) {
            what = ContractGate.forcedMessage(split.message(), what);
            split = new TrafficSplit(split.shares(), what);
        }
        List<Integer> versionsOf = split.versions();
        return takeover.deploy(worker, environment, split, what, candidates -> {
            List<WorkerConfig> configs = new ArrayList<>();
            for (Deployment candidate : candidates) {
                WorkerConfig config = DeployedWorkers.config(candidate).orElseThrow(() -> new DeployRejectedException(409,
                        "Version " + candidate.info().number() + " of \"" + worker + "\" in " + environment
                                + " has a config that is not valid any more; deploy a new version"));
                checkBindingTargets(config, environment);
                routeAssignment.checkRollback(config, candidate.info().number(), environment);
                configs.add(config);
            }
            if (configs.size() == 2 && !Set.copyOf(configs.get(0).routes()).equals(Set.copyOf(configs.get(1).routes()))) {
                throw new DeployRejectedException(409, "Versions " + versionsOf.get(0) + " and " + versionsOf.get(1)
                        + " of \"" + worker + "\" declare different routes (" + configs.get(0).routes() + " and "
                        + configs.get(1).routes() + "); a split sends one route's requests to both, so they must declare the same."
                        + " Deploy the new version at 100 % instead: jworkers versions deploy " + worker + " "
                        + versionsOf.get(0) + "@100" + flag(environment));
            }
        }, force ? ContractGate.Mode.FORCE : ContractGate.Mode.CHECK);
    }

    /** See {@link ServeHost#check}. */
    ContractReport check(String worker, String environment, Path bundle) {
        return withStagedBundle(worker, environment, bundle, (staged, config) -> {
            int number = store.versions(worker, environment).stream().mapToInt(VersionInfo::number).max().orElse(0) + 1;
            Secrets secrets = read(() -> store.current(worker, environment)).map(Deployment::secrets).orElse(Secrets.NONE);
            Deployment candidate = new Deployment(new VersionInfo(number, java.time.Instant.now(), "jworkers check",
                    staged.sha256(), Map.of()), staged.folder(), staged.configJson(), secrets);
            LoadedWorker loaded = takeover.prepare(candidate, environment);
            try {
                return new ContractReport(worker, environment, number, takeover.contracts()
                        .violations(worker, environment, List.of(loaded)).stream().map(ContractViolation::message).toList());
            } finally {
                loaded.close();
            }
        });
    }

    /** See {@link ServeHost#rollback}. */
    VersionInfo rollback(String worker, String environment, Integer version, boolean force) {
        int current = requireRunningOrRepairable(worker, environment);
        Optional<TrafficSplit> split = read(() -> store.split(worker, environment));
        if (version == null && split.isPresent() && split.get().isSplit()) {
            // Ending a gradual deployment: back to the older version of the two.
            version = split.get().versions().get(1);
        }
        final Integer chosen = version;
        VersionInfo target = chosen == null ? previousVersion(worker, environment, current) : store.versions(worker, environment)
                .stream().filter(v -> v.number() == chosen).findFirst()
                .orElseThrow(() -> new DeployRejectedException(404, "Worker \"" + worker + "\" has no version " + chosen
                        + " in " + environment + "; it has " + deployed.numbers(worker, environment) + ". See jworkers versions "
                        + worker + flag(environment)));
        takeover.makeCurrent(worker, environment, target, "rolled back from version " + current, candidate ->
                // What held when that version was deployed may not hold now: its targets and routes are checked again.
                DeployedWorkers.config(candidate).ifPresent(config -> {
                    checkBindingTargets(config, environment);
                    routeAssignment.checkRollback(config, target.number(), environment);
                }), force ? ContractGate.Mode.FORCE : ContractGate.Mode.CHECK);
        return target;
    }

    /** See {@link ServeHost#promote}. */
    VersionInfo promote(String worker, String from, Integer version, String to, String message) {
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

    // A secret change makes a new version at 100 %: during a split that would end it unasked.
    private void refuseDuringSplit(String worker, String environment, String change) {
        Optional<TrafficSplit> split = read(() -> store.split(worker, environment));
        if (split.isPresent() && split.get().isSplit()) {
            List<Integer> versions = split.get().versions();
            throw new DeployRejectedException(409, "Cannot " + change + " of \"" + worker + "\" in " + environment + ": traffic is"
                    + " split between versions " + versions.get(0) + " (" + split.get().shares().get(0).percent() + " %) and "
                    + versions.get(1) + " (" + split.get().shares().get(1).percent() + " %), and a secret change makes a new version"
                    + " that takes all traffic. Finish the split first (jworkers versions deploy " + worker + " " + versions.get(0)
                    + "@100" + flag(environment) + ") or end it (jworkers rollback " + worker + flag(environment) + ").");
        }
    }

    /** See {@link ServeHost#putSecret}. */
    Optional<VersionInfo> putSecret(String worker, String environment, String key, String value, boolean create) {
        refuseDuringSplit(worker, environment, "set secret " + key);
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
        return Optional.of(takeover.add(worker, environment, new NewVersion(null, current.get().info().sha256(), what, change,
                current.get().info().routesTaken()), what, ContractGate.Mode.SKIP));
    }

    /** See {@link ServeHost#deleteSecret}. */
    Optional<VersionInfo> deleteSecret(String worker, String environment, String key) {
        refuseDuringSplit(worker, environment, "delete secret " + key);
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
        return Optional.of(takeover.add(worker, environment, new NewVersion(null, current.get().info().sha256(), what, change,
                current.get().info().routesTaken()), what, ContractGate.Mode.SKIP));
    }

    /** See {@link ServeHost#delete}. */
    void delete(String worker, String environment) {
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
        sync.deleted(worker, environment);
        reroute.run();
        LOG.log(Level.INFO, "[" + worker + "] deleted from " + environment);
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

    private static String names(Secrets secrets) {
        return secrets.names().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(secrets.names()));
    }
}
