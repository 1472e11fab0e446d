package io.jworkers.runtime.pipeline;

import io.jworkers.runtime.tail.TailTarget;
import io.jworkers.runtime.trace.HopTags;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a binding call enters, made once per binding and target version (not per call): the
 * worker's name, its loader (the context class loader while its code runs), its thread tracker,
 * the props of the binding the calls come through, the counter of those calls (metrics), what
 * the call's span says about it (traces) and how a tail event of the call names it (live logs).
 *
 * @param workerName the called worker
 * @param loader its class loader
 * @param threads the tracker of the threads its version starts through the framework
 * @param props the calling binding's props JSON, {@link CallFrame#NO_PROPS} when none
 * @param label how the access line names the version ({@code auth@2})
 * @param calls the binding's counter of this kind of call ({@code fetch} or RPC), which
 *     {@link CallScope} adds to once per thread's outermost call
 * @param tags what the call's span says about it (version, environment, binding, method), or
 *     {@code null} for the worker name alone
 * @param tail how a tail event of the call names the worker, version and entrypoint, or
 *     {@code null} when no tail ever sees its calls
 */
public record Callee(String workerName, ClassLoader loader, WorkerThreads threads, String props, String label,
        LongAdder calls, HopTags tags, TailTarget tail) {

    // Counts the calls of callees made without a binding's counter; nobody reads it.
    private static final LongAdder UNCOUNTED = new LongAdder();

    /**
     * A callee whose calls no metrics count and whose span names only the worker.
     *
     * @param workerName the called worker
     * @param loader its class loader
     * @param threads its version's thread tracker
     * @param props the calling binding's props JSON
     * @param label how the access line names the version
     */
    public Callee(String workerName, ClassLoader loader, WorkerThreads threads, String props, String label) {
        this(workerName, loader, threads, props, label, UNCOUNTED, null, null);
    }

    /**
     * A callee the access line names by its worker name.
     *
     * @param workerName the called worker
     * @param loader its class loader
     * @param threads its version's thread tracker
     * @param props the calling binding's props JSON
     */
    public Callee(String workerName, ClassLoader loader, WorkerThreads threads, String props) {
        this(workerName, loader, threads, props, workerName);
    }

    /**
     * The same callee reached through an RPC method, for its span and its tail events.
     *
     * @param method the method name
     * @return the callee
     */
    public Callee withMethod(String method) {
        return new Callee(workerName, loader, threads, props, label, calls,
                tags == null ? new HopTags(workerName, 0, null, null, method) : tags.withMethod(method), tail);
    }
}
