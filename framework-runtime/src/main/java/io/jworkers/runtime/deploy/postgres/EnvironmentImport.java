package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.Deployment;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A worker environment copied whole into the store from elsewhere (a single host's state
 * folder): its versions as they are, which one is current, and the secrets set before its first
 * deploy. See {@link PostgresStore#importEnvironments}.
 *
 * @param worker the worker
 * @param environment the environment
 * @param versions every version, oldest first, each with its bundle folder (hashed to its {@code sha256})
 *                 and its own secrets; empty for an environment that was never deployed
 * @param current the number of the current version (after a rollback, not the latest), or {@code null}
 * @param pendingSecrets secrets set before the first deploy, name to value
 */
public record EnvironmentImport(String worker, String environment, List<Deployment> versions, Integer current,
        Map<String, String> pendingSecrets) {

    /** Copies the lists; the secrets stay out of {@link #toString()}. */
    public EnvironmentImport {
        versions = List.copyOf(versions);
        pendingSecrets = java.util.Collections.unmodifiableMap(new TreeMap<>(pendingSecrets));
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
        return "EnvironmentImport[" + label() + ", " + versions.size() + " versions, current " + current
                + ", pending secrets " + pendingSecrets.keySet() + "]";
    }
}
