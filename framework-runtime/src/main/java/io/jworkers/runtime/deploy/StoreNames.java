package io.jworkers.runtime.deploy;

import io.jworkers.runtime.config.NameRules;

/**
 * The name checks every {@link StateStore} makes before it reads or writes: a bad name is the
 * caller's mistake, said with the rule, never a path or a query built from it.
 */
public final class StoreNames {

    private StoreNames() {
    }

    /**
     * Checks a worker name.
     *
     * @param worker the name
     * @throws DeploymentException naming the rule it breaks
     */
    public static void checkWorker(String worker) {
        if (worker == null || !NameRules.WORKER_NAME.matcher(worker).matches()) {
            throw new DeploymentException("Invalid worker name \"" + worker + "\": " + NameRules.WORKER_NAME_RULE);
        }
    }

    /**
     * Checks a worker name and an environment name.
     *
     * @param worker the worker
     * @param environment the environment
     * @throws DeploymentException naming the rule one of them breaks
     */
    public static void check(String worker, String environment) {
        checkWorker(worker);
        if (environment == null || !NameRules.ENVIRONMENT_NAME.matcher(environment).matches()) {
            throw new DeploymentException("Invalid environment name \"" + environment + "\": " + NameRules.ENVIRONMENT_NAME_RULE);
        }
    }
}
