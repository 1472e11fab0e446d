package io.jworkers.runtime.pipeline;

import java.time.Duration;

/**
 * The limits of the worker that owns a binding, for calls it makes outside any request.
 *
 * @param workerName the owning worker
 * @param subrequests its subrequest limit
 * @param timeout its per-request time budget
 */
public record CallerLimits(String workerName, int subrequests, Duration timeout) {
}
