package io.jworkers.runtime.pipeline;

import java.time.Duration;

/**
 * The worker that owns a binding, as far as its calls need it: its name and limits, for calls
 * made outside any request (which open a pipeline of their own), and the tracker of the threads
 * its code starts through the framework.
 *
 * @param workerName the owning worker
 * @param subrequests its subrequest limit
 * @param timeout its per-request time budget
 * @param threads the threads its current version started
 */
public record BindingOwner(String workerName, int subrequests, Duration timeout, WorkerThreads threads) {
}
