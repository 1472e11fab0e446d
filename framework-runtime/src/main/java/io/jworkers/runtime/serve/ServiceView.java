package io.jworkers.runtime.serve;

import java.util.List;

/**
 * One worker environment as {@code jworkers services} shows it: Cloudflare's "Bound Services".
 *
 * @param worker the worker
 * @param environment the environment
 * @param version the current version
 * @param running whether that version is loaded
 * @param routes its public routes (none: private)
 * @param bindings its service bindings
 */
public record ServiceView(String worker, String environment, int version, boolean running, List<String> routes,
        List<Binding> bindings) {

    /**
     * A service binding and whether its target runs.
     *
     * @param name the binding name
     * @param service the target worker
     * @param environment the target's environment
     * @param connected whether the target is loaded
     */
    public record Binding(String name, String service, String environment, boolean connected) {
    }
}
