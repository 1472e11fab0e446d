package io.jworkers.runtime.pipeline;

/**
 * What a binding call enters, made once per binding and target version (not per call): the
 * worker's name, its loader (the context class loader while its code runs), its thread tracker,
 * and the props of the binding the calls come through.
 *
 * @param workerName the called worker
 * @param loader its class loader
 * @param threads the tracker of the threads its version starts through the framework
 * @param props the calling binding's props JSON, {@link CallFrame#NO_PROPS} when none
 * @param label how the access line names the version ({@code auth@2})
 */
public record Callee(String workerName, ClassLoader loader, WorkerThreads threads, String props, String label) {

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
