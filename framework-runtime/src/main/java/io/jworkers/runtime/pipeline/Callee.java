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
 */
public record Callee(String workerName, ClassLoader loader, WorkerThreads threads, String props) {
}
