package io.jworkers.runtime.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a binding call enters, made once per binding and target version (not per call): the
 * worker's name, its loader (the context class loader while its code runs), its thread tracker,
 * the props of the binding the calls come through, and the counter of those calls (metrics).
 *
 * @param workerName the called worker
 * @param loader its class loader
 * @param threads the tracker of the threads its version starts through the framework
 * @param props the calling binding's props JSON, {@link CallFrame#NO_PROPS} when none
 * @param label how the access line names the version ({@code auth@2})
 * @param calls the binding's counter of this kind of call ({@code fetch} or RPC), which
 *     {@link CallScope} adds to once per thread's outermost call
 */
public record Callee(String workerName, ClassLoader loader, WorkerThreads threads, String props, String label,
        LongAdder calls) {

    // Counts the calls of callees made without a binding's counter; nobody reads it.
    private static final LongAdder UNCOUNTED = new LongAdder();

    /**
     * A callee whose calls no metrics count.
     *
     * @param workerName the called worker
     * @param loader its class loader
     * @param threads its version's thread tracker
     * @param props the calling binding's props JSON
     * @param label how the access line names the version
     */
    public Callee(String workerName, ClassLoader loader, WorkerThreads threads, String props, String label) {
        this(workerName, loader, threads, props, label, UNCOUNTED);
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
}
