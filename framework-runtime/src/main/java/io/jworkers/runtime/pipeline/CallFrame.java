package io.jworkers.runtime.pipeline;

import io.jworkers.api.ExecutionContext;
import io.jworkers.runtime.trace.TraceParent;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * One worker call inside a pipeline: which pipeline, which worker, how deep, and the props the
 * calling binding passed. It is what a worker's {@code ctx()} returns while the call runs.
 *
 * @param pipeline the pipeline the call belongs to
 * @param workerName the worker being called
 * @param loader the worker's class loader, the context class loader while its code runs
 * @param threads the tracker of the threads the worker's version starts through the framework
 * @param depth 1 for the worker that received the top-level request, +1 per binding hop
 * @param props the JSON props of the binding the call came through, {@code "{}"} at the top
 * @param span the call's span id (W3C), never 0
 * @param parentSpan the span id of the call that made this one, 0 when the trace began here
 */
public record CallFrame(Pipeline pipeline, String workerName, ClassLoader loader, WorkerThreads threads, int depth,
        String props, long span, long parentSpan) implements ExecutionContext {

    /** Props of a call that did not come through a binding with props. */
    public static final String NO_PROPS = "{}";

    /**
     * A frame without props.
     *
     * @param pipeline the pipeline
     * @param workerName the worker
     * @param loader the worker's loader
     * @param threads the worker version's thread tracker
     * @param depth the depth
     */
    public CallFrame(Pipeline pipeline, String workerName, ClassLoader loader, WorkerThreads threads, int depth) {
        this(pipeline, workerName, loader, threads, depth, NO_PROPS);
    }

    /**
     * A frame with a new span whose parent is the pipeline's remote caller (the first hop of a
     * request, or a call outside any request).
     *
     * @param pipeline the pipeline
     * @param workerName the worker
     * @param loader the worker's loader
     * @param threads the worker version's thread tracker
     * @param depth the depth
     * @param props the binding's props JSON
     */
    public CallFrame(Pipeline pipeline, String workerName, ClassLoader loader, WorkerThreads threads, int depth,
            String props) {
        this(pipeline, workerName, loader, threads, depth, props, TraceParent.newId(), pipeline.remoteParentSpan());
    }

    /**
     * The frame of the call running on this thread.
     *
     * @return the frame, or {@code null} outside any call
     */
    public static CallFrame current() {
        CallScope scope = CallScope.onThisThread();
        return scope == null ? null : scope.frame();
    }

    /**
     * The name of the worker whose call runs on this thread, without building its frame, or
     * whose class initialisers, constructor, {@code start()} or {@code stop()} run on it.
     *
     * @return the name, or {@code null} outside any worker code
     */
    public static String currentWorkerName() {
        CallScope scope = CallScope.onThisThread();
        return scope == null ? WorkerLifecycle.current() : scope.workerName();
    }

    /**
     * The pipeline of the call running on this thread, without building its frame.
     *
     * @return the pipeline, or {@code null} outside any call
     */
    public static Pipeline currentPipeline() {
        CallScope scope = CallScope.onThisThread();
        return scope == null ? null : scope.pipeline();
    }

    /**
     * The props of the binding the call running on this thread came through, if that call runs
     * in {@code workerName}.
     *
     * @param workerName the worker asking
     * @return the props JSON, {@link #NO_PROPS} when none
     */
    public static String currentProps(String workerName) {
        CallScope scope = CallScope.onThisThread();
        return scope != null && scope.workerName().equals(workerName) ? scope.props() : NO_PROPS;
    }

    /**
     * The frame of the call running on this thread, or, for code running outside any request
     * (a worker's {@code start()}, a thread it made itself), a depth-0 frame of a new pipeline
     * with the limits of the worker that owns the binding.
     *
     * @param owner the limits of the worker making the call
     * @return the frame to call from
     */
    public static CallFrame currentOrDetached(BindingOwner owner) {
        CallFrame frame = current();
        return frame != null ? frame : detached(owner);
    }

    /**
     * A depth-0 frame of a new pipeline with the limits of the worker that owns a binding, for a
     * call made outside any request.
     *
     * @param owner the limits of the worker making the call
     * @return the frame
     */
    static CallFrame detached(BindingOwner owner) {
        Pipeline pipeline = new Pipeline(UUID.randomUUID().toString(), owner.subrequests(), owner.timeout());
        return new CallFrame(pipeline, owner.workerName(), Thread.currentThread().getContextClassLoader(), owner.threads(), 0);
    }

    @Override
    public void waitUntil(CompletionStage<?> work) {
        BackgroundWork.waitUntil(this, work);
    }

    @Override
    public void waitUntil(Runnable work) {
        BackgroundWork.waitUntil(this, work);
    }

    @Override
    public String requestId() {
        return pipeline.requestId();
    }

    @Override
    public int subrequests() {
        return pipeline.subrequests();
    }

    @Override
    public Instant deadline() {
        return pipeline.deadline();
    }

    @Override
    public String traceparent() {
        return pipeline.traceparent(span);
    }

    @Override
    public String traceId() {
        return TraceParent.traceId(pipeline.traceHigh(), pipeline.traceLow());
    }

    @Override
    public String spanId() {
        return TraceParent.spanId(span);
    }
}
