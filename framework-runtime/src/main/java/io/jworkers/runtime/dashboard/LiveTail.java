package io.jworkers.runtime.dashboard;

import java.util.function.Consumer;

/**
 * The live logs of a worker environment, as the dashboard's log panel streams them: the tail's
 * events ({@code wrangler tail}'s shape, one JSON object per invocation) pushed to a listener
 * until it is closed. The tail wires its capture in behind it; without one the panel says that
 * live logs are not available.
 */
public interface LiveTail {

    /**
     * Starts listening.
     *
     * @param worker the worker
     * @param environment the environment
     * @param events called with each event's JSON, from any thread, never concurrently for one listener
     * @return stops the listening; called when the browser goes away
     * @throws IllegalStateException with a sentence for the panel when no more tails may listen now
     */
    AutoCloseable open(String worker, String environment, Consumer<String> events);
}
