package io.jworkers.runtime.serve;

import java.util.List;

/**
 * One worker environment as {@code jworkers services} shows it: Cloudflare's "Bound Services".
 *
 * @param worker the worker
 * @param environment the environment
 * @param version the current version, 0 when it cannot be read
 * @param running whether that version is loaded
 * @param problem why it is not running and what to do, or {@code null} when it runs
 * @param routes its public routes (none: private), each with the worker that serves it
 * @param bindings its service bindings
 * @param lingeringThreads the platform threads that replaced versions of this worker started and
 *     did not stop, which keep those versions in memory (any environment; empty when none)
 * @param split the versions sharing the traffic, newest first, as {@code 4@10 3@90}; {@code null}
 *     when one version takes it all
 */
public record ServiceView(String worker, String environment, int version, boolean running, String problem,
        List<Route> routes, List<Binding> bindings, List<String> lingeringThreads, String split) {

    /**
     * A route the worker declares.
     *
     * @param pattern the route
     * @param servedBy the worker that serves it: this one, or another that took it
     */
    public record Route(String pattern, String servedBy) {
    }

    /**
     * A service binding and whether its target runs.
     *
     * @param name the binding name
     * @param service the target worker
     * @param environment the target's environment
     * @param entrypoint the target's named entrypoint, or {@code null} for its default one
     * @param connected whether the target is loaded
     */
    public record Binding(String name, String service, String environment, String entrypoint, boolean connected) {
    }
}
