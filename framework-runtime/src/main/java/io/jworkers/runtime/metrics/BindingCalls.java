package io.jworkers.runtime.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The call counters of one binding of one worker environment: how many {@code fetch} calls and
 * how many RPC calls (typed or by name) went through it. Made once per binding when a version of
 * the calling worker loads and held by the binding's links (their {@code Callee}), so counting
 * needs no lookup: binding calls cost nanoseconds, and a registry lookup per call would cost more
 * than the call. Even an atomic add per call is too much (a typed RPC call went from 17.7 to
 * 23.6 ns with {@link LongAdder#increment()}), so the thread's {@code CallScope} counts with
 * plain increments and adds its counts here once, when the thread's outermost call (the request,
 * a piece of async work) ends: a scrape sees a request's binding calls once it has ended.
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
