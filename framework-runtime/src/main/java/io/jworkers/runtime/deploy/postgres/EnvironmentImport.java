package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.TrafficSplit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A worker environment copied whole into the store from elsewhere (a single host's state
 * folder): its versions as they are, what takes traffic, and the secrets set before its first
 * deploy. See {@link PostgresStore#importEnvironments}.
 *
 * @param worker the worker
 * @param environment the environment
 * @param versions every version, oldest first, each with its bundle folder (hashed to its {@code sha256})
 *                 and its own secrets; empty for an environment that was never deployed
 * @param deployed what takes traffic (after a rollback, not the latest; a gradual deployment's two
 *                 versions with their shares and message), or {@code null} when no version is current
 * @param pendingSecrets secrets set before the first deploy, name to value
 */
public record EnvironmentImport(String worker, String environment, List<Deployment> versions, TrafficSplit deployed,
        Map<String, String> pendingSecrets) {

    /** Copies the lists; the secrets stay out of {@link #toString()}. */
    public EnvironmentImport {
        versions = List.copyOf(versions);
        pendingSecrets = java.util.Collections.unmodifiableMap(new TreeMap<>(pendingSecrets));
    }

    /**
     * The current version: the primary of what is deployed.
     *
     * @return its number, or {@code null} when none is current
     */
    public Integer current() {
        return deployed == null ? null : deployed.primary();
    }

    /**
     * How people name it: {@code api (production)}.
     *
     * @return the worker and, in parentheses, the environment
     */
    public String label() {
        return worker + " (" + environment + ")";
    }

    /** Names and numbers only: the values are secrets. */
    @Override
    public String toString() {
        return "EnvironmentImport[" + label() + ", " + versions.size() + " versions, deployed " + deployed
                + ", pending secrets " + pendingSecrets.keySet() + "]";
    }
}
