package io.jworkers.runtime.deploy;

/**
 * A worker environment's version that a host serves, as it tells its store (to keep for a
 * restart while a shared store is unreachable).
 *
 * @param worker the worker
 * @param environment the environment
 * @param deployment the version it serves
 */
public record Served(String worker, String environment, Deployment deployment) {
}
