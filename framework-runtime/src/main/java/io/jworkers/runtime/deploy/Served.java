package io.jworkers.runtime.deploy;

import java.util.List;

/**
 * What a host serves of a worker environment, as it tells its store (to keep for a restart while
 * a shared store is unreachable): the split it applied and the versions it names.
 *
 * @param worker the worker
 * @param environment the environment
 * @param split what takes traffic
 * @param deployments the split's versions, newest first, as {@link TrafficSplit#versions()} names them
 */
public record Served(String worker, String environment, TrafficSplit split, List<Deployment> deployments) {

    /**
     * Checks that the deployments are the split's versions, in its order.
     *
     * @throws IllegalArgumentException if they are not
     */
    public Served {
        deployments = List.copyOf(deployments);
        List<Integer> numbers = deployments.stream().map(d -> d.info().number()).toList();
        if (!numbers.equals(split.versions())) {
            throw new IllegalArgumentException("the versions served " + numbers + " are not those of " + split.describe());
        }
    }

    /**
     * One version serving all traffic.
     *
     * @param worker the worker
     * @param environment the environment
     * @param deployment the version
     */
    public Served(String worker, String environment, Deployment deployment) {
        this(worker, environment, TrafficSplit.single(deployment.info().number()), List.of(deployment));
    }

    /**
     * The current version: the split's primary.
     *
     * @return its deployment
     */
    public Deployment deployment() {
        int primary = split.primary();
        return deployments.stream().filter(d -> d.info().number() == primary).findFirst().orElseThrow();
    }
}
