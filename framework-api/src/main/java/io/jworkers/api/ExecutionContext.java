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

    /**
     * The W3C trace context of this call, as a {@code traceparent} header value:
     * {@code 00-<trace id>-<span id>-<flags>}. Every worker call of the pipeline (the top-level
     * request and each binding call, fetch or RPC) is one span of the same trace; the trace is the
     * incoming request's {@code traceparent}'s when it had a valid one. A worker that makes HTTP
     * calls of its own passes this on as their {@code traceparent} header to continue the trace.
     *
     * <p>The default, for implementations outside the host, builds it from {@link #traceId()} and
     * {@link #spanId()} with flags {@code 00}, or returns {@code null} when either is {@code null}.
     *
     * @return the header value, e.g. {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
     */
    default String traceparent() {
        String trace = traceId();
        String span = spanId();
        return trace == null || span == null ? null : "00-" + trace + "-" + span + "-00";
    }

    /**
     * The id of the trace this call belongs to: 32 lower-case hex digits, the same in every
     * worker of the pipeline.
     *
     * <p>The default, for implementations outside the host, returns {@code null}.
     *
     * @return the trace id
     */
    default String traceId() {
        return null;
    }

    /**
     * The span id of this call: 16 lower-case hex digits, different for every worker call.
     *
     * <p>The default, for implementations outside the host, returns {@code null}.
     *
     * @return the span id
     */
    default String spanId() {
        return null;
    }
}
