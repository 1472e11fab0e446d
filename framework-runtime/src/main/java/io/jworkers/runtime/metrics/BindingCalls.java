package io.jworkers.runtime.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The call counters of one binding of one worker environment: how many {@code fetch} calls and
 * how many RPC calls (typed or by name) went through it. Made once per binding when a version of
 * the calling worker loads, and held by the binding's links, so that counting a call is one
 * {@link LongAdder#increment()} and no lookup: binding calls cost nanoseconds, and a registry
 * lookup per call would cost more than the call.
 *
 * <p>Every version of the caller gets the same instance for the same binding, so the counts go on
 * across redeploys as a Prometheus counter should.
 *
 * @param caller the worker that owns the binding
 * @param environment the caller's environment
 * @param binding the binding's name, e.g. {@code AUTH}
 * @param callee the worker the binding calls
 * @param fetch its {@code fetch} calls
 * @param rpc its RPC calls
 */
public record BindingCalls(String caller, String environment, String binding, String callee, LongAdder fetch,
        LongAdder rpc) {

    /**
     * Counters that no registry exports, for bindings made outside a host (a test's stand-in).
     *
     * @param caller the worker that owns the binding
     * @param binding the binding's name
     * @param callee the worker it calls
     * @return fresh counters
     */
    public static BindingCalls unexported(String caller, String binding, String callee) {
        return new BindingCalls(caller, "production", binding, callee, new LongAdder(), new LongAdder());
    }
}
