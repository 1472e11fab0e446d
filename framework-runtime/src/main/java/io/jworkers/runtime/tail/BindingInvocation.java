package io.jworkers.runtime.tail;

import io.jworkers.api.Request;
import java.util.Map;

/**
 * One binding call into a worker that a tail listens for, from its start to its end: made by
 * {@link RequestLog#called} when the call enters the worker, ended by the call path when it
 * leaves it, which makes its event and offers it to the host's tails without waiting for any.
 */
public final class BindingInvocation {

    private final RequestLog log;
    private final TailTarget target;
    private final String rpcMethod;
    private final Request request;
    private final int firstLine;
    private final int droppedBefore;
    private final long eventTimestamp = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();

    BindingInvocation(RequestLog log, TailTarget target, String rpcMethod, Request request, int firstLine,
            int droppedBefore) {
        this.log = log;
        this.target = target;
        this.rpcMethod = rpcMethod;
        this.request = request;
        this.firstLine = firstLine;
        this.droppedBefore = droppedBefore;
    }

    /**
     * The call left the worker: its event goes to each tail of the worker whose filter takes it.
     * Never throws: a tail must not fail a call.
     *
     * @param error what the worker threw, or {@code null}
     * @param status the status of a {@code fetch} call's response, 0 for RPC or when it threw
     */
    public void ended(Throwable error, int status) {
        try {
            long wallMillis = (System.nanoTime() - startNanos) / 1_000_000;
            Map<String, Object> event = TailEvent.ofBinding(this, error, status, wallMillis,
                    log.hub().secretValues(target.env()));
            log.hub().offer(target.worker(), target.environment(), event);
        } catch (RuntimeException e) {
            // An event that cannot be made is lost; the call it describes goes on.
        }
    }

    RequestLog log() {
        return log;
    }

    TailTarget target() {
        return target;
    }

    String rpcMethod() {
        return rpcMethod;
    }

    Request request() {
        return request;
    }

    int firstLine() {
        return firstLine;
    }

    int droppedBefore() {
        return droppedBefore;
    }

    long eventTimestamp() {
        return eventTimestamp;
    }
}
