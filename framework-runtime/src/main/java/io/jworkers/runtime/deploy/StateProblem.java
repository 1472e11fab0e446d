package io.jworkers.runtime.deploy;

/**
 * A worker environment whose files in the state folder are damaged or missing. The host keeps
 * serving every other worker; this one is shown as broken until a deploy or a rollback repairs it.
 *
 * @param worker the worker
 * @param environment the environment
 * @param message what is wrong, where, and what to do
 */
public record StateProblem(String worker, String environment, String message) {
}
