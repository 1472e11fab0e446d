package io.jworkers.runtime.pipeline;

import io.jworkers.api.PipelineDepthExceededException;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.trace.HopTags;
import io.jworkers.runtime.trace.SpanSink;
import io.jworkers.runtime.trace.TraceParent;
import io.jworkers.runtime.worker.LoadedWorker;

/**
 * Runs a worker's code on the current thread inside a pipeline: the worker's call becomes the
 * thread's innermost (what {@code ctx()} sees) and the worker's loader its context class loader,
 * both restored afterwards, whatever happens. Used by {@code fetch} and by RPC alike.
 */
public final class WorkerCall {

    private WorkerCall() {
    }

    /**
     * Serves the top-level request of a pipeline (depth 1). Exceptions are not translated: the
     * caller is the host, which sees every class.
     *
     * @param pipeline the new pipeline
     * @param worker the worker that received the request
     * @param request the request
     * @return the worker's response
     */
    public static Response topLevelFetch(Pipeline pipeline, LoadedWorker worker, Request request) {
        CallFrame frame = new CallFrame(pipeline, worker.name(), worker.loader(), worker.threads(), 1);
        pipeline.visit(worker.name(), worker.label());
        long start = System.nanoTime();
        CallScope scope = open(frame);
        Throwable failure = null;
        int status = 0;
        try {
            Response response = checked(worker, worker.entrypoint().fetch(request, worker.env()));
            status = response.status();
            return response;
        } catch (Throwable e) {
            failure = e;
            throw e;
        } finally {
            scope.exit();
            long end = System.nanoTime();
            pipeline.addTime(worker.name(), end - start);
            SpanSink sink = pipeline.spanSink();
            if (sink != null) {
                topLevelSpan(sink, pipeline, worker, frame, start, end, status, failure);
            }
        }
    }

    private static void topLevelSpan(SpanSink sink, Pipeline pipeline, LoadedWorker worker, CallFrame frame, long start,
            long end, int status, Throwable failure) {
        try {
            // What the ingress answers for a failure: 504 past the deadline, else 500.
            int answered = failure == null ? status
                    : failure instanceof io.jworkers.api.DeadlineExceededException ? 504 : 500;
            sink.hopEnded(pipeline.traceHigh(), pipeline.traceLow(), pipeline.traceFlags(), frame.span(), frame.parentSpan(),
                    new HopTags(worker.name(), worker.number(), worker.env().version().environment(), null, null),
                    pipeline.epochNanos(start), pipeline.epochNanos(end), answered, failure);
        } catch (RuntimeException e) {
            // Tracing must never fail a request.
        }
    }

    /**
     * Calls a worker's {@code fetch} from another worker (or from code outside any request): one
     * level deeper than the caller, counted as a subrequest, and with the target's exceptions
     * translated so that none of its classes reach the caller.
     *
     * @param callee the worker version and binding props to call
     * @param owner the worker that owns the binding, for calls made outside any request
     * @param target the worker version to call
     * @param entrypoint the entrypoint of the target the binding selects
     * @param request the request
     * @return the target's response
     * @throws PipelineDepthExceededException if the target would run deeper than 32
     */
    public static Response bindingFetch(Callee callee, BindingOwner owner, LoadedWorker target, WorkerEntrypoint entrypoint,
            Request request) {
        long start = System.nanoTime();
        CallScope scope = CallScope.enter(callee, owner, request, start);
        Pipeline pipeline = scope.pipeline();
        int visit = pipeline.visitIndex(callee.workerName());
        Throwable failure = null;
        int status = 0;
        try {
            Request forTarget = forCallee(request, pipeline, scope.span());
            Response response = checked(target, entrypoint.fetch(forTarget, target.env()));
            status = response.status();
            return response;
        } catch (Throwable e) {
            failure = e;
            throw BoundaryExceptions.translate(e);
        } finally {
            scope.exit(failure, status);
            pipeline.addTime(visit, System.nanoTime() - start);
        }
    }

    // The callee's view of the request: the caller's, with the callee's own traceparent (made
    // only if the callee reads it), so that a worker that forwards its request keeps the trace.
    // The value is the callee's frame's traceparent; it captures the span id, not the frame, which
    // most calls never build (and not the scope, whose slot the next call reuses).
    private static Request forCallee(Request request, Pipeline pipeline, long span) {
        return HostBridge.messages().withHeader(request, TraceParent.HEADER, () -> pipeline.traceparent(span));
    }

    /**
     * Makes {@code frame} the innermost call on this thread, with its worker's loader as context
     * loader.
     *
     * @param frame the frame of the call about to run
     * @return what to restore with {@link #close}
     */
    public static CallScope open(CallFrame frame) {
        return CallScope.open(frame);
    }

    /**
     * Ends the innermost call that {@link #open} began.
     *
     * @param scope the scope {@code open} returned
     */
    public static void close(CallScope scope) {
        scope.exit();
    }

    /**
     * The pipeline of the call running on this thread, or a new one with the limits of the
     * binding's owner when the thread runs none.
     *
     * @param owner the worker that owns the binding
     * @return the pipeline
     */
    public static Pipeline currentPipeline(BindingOwner owner) {
        CallScope scope = CallScope.onThisThread();
        return scope != null ? scope.pipeline() : CallFrame.detached(owner).pipeline();
    }

    /**
     * The pipeline of the call running on this thread, for choosing the version a binding call
     * reaches.
     *
     * @return the pipeline, or {@code null} when the thread runs no worker call
     */
    public static Pipeline runningPipeline() {
        CallScope scope = CallScope.onThisThread();
        return scope == null ? null : scope.pipeline();
    }

    private static Response checked(LoadedWorker worker, Response response) {
        if (response == null) {
            throw new IllegalStateException("Worker \"" + worker.name() + "\" returned null from fetch; return a Response");
        }
        return response;
    }
}
