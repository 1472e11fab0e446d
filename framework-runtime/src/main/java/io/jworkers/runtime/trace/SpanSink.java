package io.jworkers.runtime.trace;

/**
 * Where the spans of finished worker hops go when tracing export is on ({@code --otlp-endpoint});
 * a pipeline without one records nothing and pays nothing. Implementations must be thread-safe
 * and must not block the caller (the hop's thread).
 */
public interface SpanSink {

    /**
     * One finished hop.
     *
     * @param traceHigh the trace id's first 64 bits
     * @param traceLow the trace id's last 64 bits
     * @param flags the trace flags (sampled or not)
     * @param spanId the hop's span id
     * @param parentSpanId the caller's span id, 0 for a root
     * @param tags the worker, version, environment, binding and method
     * @param startEpochNanos when the hop began, nanoseconds since the epoch
     * @param endEpochNanos when it ended
     * @param status the HTTP status of a fetch hop, 0 when none (RPC, or the call threw)
     * @param error what the callee threw, or {@code null}
     */
    void hopEnded(long traceHigh, long traceLow, int flags, long spanId, long parentSpanId, HopTags tags,
            long startEpochNanos, long endEpochNanos, int status, Throwable error);

    /** Sends what is buffered and stops, waiting a few seconds at most. */
    void close();
}
