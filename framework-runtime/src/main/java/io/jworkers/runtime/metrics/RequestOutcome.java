package io.jworkers.runtime.metrics;

import io.jworkers.api.DeadlineExceededException;
import io.jworkers.api.PipelineDepthExceededException;
import io.jworkers.api.SubrequestLimitExceededException;

/**
 * How a request that reached a worker ended, as the {@code outcome} label of
 * {@code jworkers_requests_total} (after Cloudflare's invocation outcomes). A response the worker
 * returned is {@code ok} whatever its status: the status has a label of its own.
 */
public enum RequestOutcome {

    /** The worker returned a response. */
    OK("ok"),
    /** An exception escaped the worker: the host answered 500. */
    EXCEPTION("exception"),
    /** The pipeline ran past its deadline ({@code limits.timeout_ms}): the host answered 504. */
    DEADLINE("deadline"),
    /** A limit of the pipeline escaped the worker (subrequests, depth): the host answered 500. */
    LIMIT("limit"),
    /** The client went away before the response could be sent (status 499 in the access log). */
    CLIENT_DISCONNECTED("client_disconnected");

    private final String label;

    RequestOutcome(String label) {
        this.label = label;
    }

    /**
     * The label value.
     *
     * @return e.g. {@code client_disconnected}
     */
    public String label() {
        return label;
    }

    /**
     * The outcome of a request whose worker threw.
     *
     * @param thrown what escaped the worker
     * @return {@link #DEADLINE}, {@link #LIMIT} or {@link #EXCEPTION}
     */
    public static RequestOutcome of(Throwable thrown) {
        if (thrown instanceof DeadlineExceededException) {
            return DEADLINE;
        }
        if (thrown instanceof SubrequestLimitExceededException || thrown instanceof PipelineDepthExceededException) {
            return LIMIT;
        }
        return EXCEPTION;
    }
}
