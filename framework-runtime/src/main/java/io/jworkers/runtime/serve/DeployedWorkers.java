package io.jworkers.runtime.serve;

import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import java.util.List;
import java.util.Optional;

/**
 * What is deployed, as the host's checks and views ask about it: the store's current versions and
 * their configs, where a worker whose files are damaged simply has none (its damage is reported
 * elsewhere, see {@link StateStore#problems()}), so that one broken worker never stops a
 * question about the others.
 */
final class DeployedWorkers {

    private final StateStore store;

    DeployedWorkers(StateStore store) {
        this.store = store;
    }

    /** The current deployment, or empty when there is none or it cannot be read. */
    Optional<Deployment> current(String worker, String environment) {
        try {
            return store.current(worker, environment);
        } catch (DamagedStateException e) {
            return Optional.empty();
        }
    }

    /** The current version's number, from the index alone; empty when there is none or the index is damaged. */
    Optional<Integer> currentNumber(String worker, String environment) {
        try {
            return store.currentNumber(worker, environment);
        } catch (DamagedStateException e) {
            return Optional.empty();
        }
    }

    /** The config of the current version, or empty when there is none or it cannot be read. */
    Optional<WorkerConfig> currentConfig(String worker, String environment) {
        return current(worker, environment).flatMap(DeployedWorkers::config);
    }

    /** A deployment's config, or empty when it cannot be read. */
    static Optional<WorkerConfig> config(Deployment deployment) {
        try {
            return Optional.of(load(deployment));
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    /**
     * A deployment's config.
     *
     * @throws ConfigException if the bundle's config is not valid (or its classpath is gone)
     */
    static WorkerConfig load(Deployment deployment) {
        return ConfigLoader.load(deployment.configFile(), null);
    }

    /** The environment a binding reaches: its own, or production. */
    static String targetEnvironment(ServiceBindingConfig binding) {
        return binding.environment() == null ? WorkerHost.PRODUCTION : binding.environment();
    }

    /** The workers deployed to an environment (damaged ones included), sorted. */
    List<String> workersIn(String environment) {
        return store.workers().stream().filter(worker -> store.environments(worker).contains(environment)).toList();
    }

    /** Every environment some worker is deployed to, sorted. */
    List<String> environments() {
        return store.workers().stream().flatMap(worker -> store.environments(worker).stream()).distinct().sorted().toList();
    }

    /** The workers of an environment, for messages: "auth, gateway", or "none in ENV". */
    String listIn(String environment) {
        List<String> names = workersIn(environment);
        return names.isEmpty() ? "none in " + environment : String.join(", ", names);
    }

    /** The numbers of a worker's versions, for messages. */
    List<Integer> numbers(String worker, String environment) {
        return store.versions(worker, environment).stream().map(VersionInfo::number).toList();
    }
}
