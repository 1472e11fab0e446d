package io.jworkers.runtime.dashboard;

import io.jworkers.runtime.config.Limits;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.serve.HostsView;
import io.jworkers.runtime.serve.ServiceView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the dashboard shows and changes: the worker environments and their bindings, versions,
 * splits and settings, the cluster's hosts, and the deployment actions. {@code serve} answers
 * with its {@link io.jworkers.runtime.serve.ServeHost} ({@link ServeDashboardSource}); another
 * host (dev) can answer with its own, refusing the actions it does not have.
 */
public interface DashboardSource {

    /**
     * Every worker environment with its routes, bindings and status.
     *
     * @return the services, by worker and environment
     */
    List<ServiceView> services();

    /**
     * The versions of a worker environment, oldest first.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the versions; empty when it is not deployed there
     */
    List<VersionInfo> versions(String worker, String environment);

    /**
     * The versions that take the traffic now.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the split, or empty when it is not deployed or its state cannot be read
     */
    Optional<TrafficSplit> split(String worker, String environment);

    /**
     * The current version's settings.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the settings, or empty when the current version's config cannot be read
     */
    Optional<Settings> settings(String worker, String environment);

    /**
     * The hosts sharing the state, each with the revision it serves.
     *
     * @return the hosts; one host when the store is not shared
     */
    HostsView hosts();

    /**
     * Whether several hosts share the state (a PostgreSQL store).
     *
     * @return {@code true} for a shared store
     */
    boolean sharedStore();

    /**
     * Whether this host deploys versions: rollback, promote and split. The pages show their forms
     * only then; {@code dev}, which runs the workers from their build folders, does not.
     *
     * @return {@code true} unless the actions are all refused
     */
    default boolean deploys() {
        return true;
    }

    /**
     * Makes a version current again (see {@code ServeHost.rollback}).
     *
     * @param worker the worker
     * @param environment the environment
     * @param version the version
     * @return the version now current
     * @throws RuntimeException with a message for the user when it is refused
     */
    VersionInfo rollback(String worker, String environment, int version);

    /**
     * Promotes a version's code to another environment (see {@code ServeHost.promote}).
     *
     * @param worker the worker
     * @param from the environment whose version is promoted
     * @param version the version, or {@code null} for the current one
     * @param to the environment that gets it
     * @return the new version of {@code to}
     * @throws RuntimeException with a message for the user when it is refused
     */
    VersionInfo promote(String worker, String from, Integer version, String to);

    /**
     * Splits the traffic between one or two versions (see {@code ServeHost.deploySplit}).
     *
     * @param worker the worker
     * @param environment the environment
     * @param split the versions and percentages
     * @return the split now deployed
     * @throws RuntimeException with a message for the user when it is refused
     */
    TrafficSplit deploySplit(String worker, String environment, TrafficSplit split);

    /**
     * A version's settings as the dashboard shows them: secret names only, never values.
     *
     * @param vars the vars
     * @param secretNames the names of the secrets set
     * @param requiredSecrets the secrets the config requires
     * @param routes the public routes (none: private)
     * @param limits the limits
     */
    record Settings(Map<String, String> vars, Set<String> secretNames, Set<String> requiredSecrets, List<String> routes,
            Limits limits) {
    }
}
