package io.jworkers.api;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * The context of the call a worker is serving: one top-level request (a public HTTP request
 * or a test call) and every binding call made on its behalf form one pipeline.
 *
 * <p>Obtained with {@link WorkerEntrypoint#ctx()} while the worker's code is running.
 */
public interface ExecutionContext {

    /**
     * Keeps the host aware of work that may finish after the response has been sent (e.g.
     * logging or cache writes).
     *
     * @param work the work in flight
     */
    void waitUntil(CompletionStage<?> work);

    /**
     * Runs work on a new virtual thread that joins this pipeline and may finish after the
     * response has been sent.
     *
     * @param work the work to run
     */
    void waitUntil(Runnable work);

    /**
     * The id of the top-level request, the same in every worker of the pipeline.
     *
     * @return the request id; never {@code null}
     */
    String requestId();

    /**
     * How deep in the pipeline this call runs: the first worker is 1, a worker it calls is 2.
     *
     * @return the depth, 1 to 32
     */
    int depth();

    /**
     * How many binding calls this pipeline has made so far.
     *
     * @return the count, 0 or more
     */
    int subrequests();

    /**
     * When this pipeline's time budget ends; binding calls after it fail with
     * {@link DeadlineExceededException}.
     *
     * @return the deadline
     */
    Instant deadline();
}
