package io.jworkers.runtime.pipeline;

import io.jworkers.api.PipelineDepthExceededException;
import io.jworkers.api.Request;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.tail.BindingInvocation;
import io.jworkers.runtime.tail.RequestLog;
import io.jworkers.runtime.trace.HopTags;
import io.jworkers.runtime.trace.SpanSink;
import io.jworkers.runtime.trace.TraceParent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker calls running on one thread, innermost on top: for each, its pipeline, what it
 * called, its depth, and the context class loader to restore when it ends.
 *
 * <p>One instance per thread, made by the thread's first worker call and kept for the next ones
 * (a connection's thread serves its requests one after another), mutated in place by every
 * binding call: entering and leaving a call allocate nothing and touch one thread-local. The
 * {@link CallFrame} a worker sees through {@code ctx()} is built only when asked for, once per
 * call, and stays valid after the call. The slots keep a reference only while they are used, or
 * until the outermost call ends, which clears them; stores of a reference that a slot already
 * holds are skipped (G1's write barrier makes reference stores into an old object cost tens of
 * nanoseconds).
 *
 * <p>Each call is a span of the pipeline's trace. Its span id is made only when something asks
 * for it (the callee's {@code ctx()}, a call it makes that needs its parent, or the export of
 * spans), so an RPC call that nobody traces costs one store of a 0.
 *
 * <p>A call into a worker that a live tail listens for is an invocation of its own
 * ({@link BindingInvocation}), whose event is made when the call ends. Whether spans are exported
 * or a tail collects, the call path reads one field of the pipeline ({@link Pipeline#observed()})
 * and looks no further when it is not set.
 *
 * <p>Only the owning thread touches an instance; nothing here is thread-safe or needs to be.
 */
public final class CallScope extends HostBridge.ThreadCalls {

    // Thread.contextClassLoader is volatile, so setContextClassLoader costs a full fence, twice per
    // call. Only the thread itself reads its context loader on the call path (program order makes
    // a release store visible to it), so when java.lang is open to the runtime (the host's jar
    // manifest says Add-Opens: java.base/java.lang) the loader is set with a release store.
    private static final VarHandle CONTEXT_LOADER = contextLoaderHandle();

    private final Thread thread;
    private Pipeline[] pipelines = new Pipeline[8];
    private Callee[] callees = new Callee[8];
    private CallFrame[] frames = new CallFrame[8];
    private ClassLoader[] previousLoaders = new ClassLoader[8];
    private int[] depths = new int[8];
    // Per level: the call's span id, 0 until made; when spans are exported, when the call began.
    private long[] spans = new long[8];
    private long[] starts = new long[8];
    // Per level, in observed pipelines only: the invocation a tail listens for, null when none does.
    private BindingInvocation[] invocations = new BindingInvocation[8];
    private int top = -1;
    // The highest level used since the slots were last cleared.
    private int highest = -1;
    // Binding calls counted on this thread since its outermost call began, per counter: plain
    // increments here, one LongAdder.add per counter when the outermost call ends (an atomic add
    // per call would cost a third of a typed RPC call).
    private LongAdder[] counters = new LongAdder[4];
    private long[] counts = new long[4];
    private int countersUsed;
    // The bottom level is the depth-0 frame of a call made outside any request: it ends with that call.
    private boolean detached;

    private CallScope(Thread thread) {
        this.thread = thread;
    }

    /**
     * The calls running on this thread.
     *
     * @return the scope, or {@code null} when no worker call runs on this thread
     */
    static CallScope onThisThread() {
        return HostBridge.calls() instanceof CallScope scope && scope.top >= 0 ? scope : null;
    }

    // The thread's scope, running calls or not; made and kept on the thread if it has none.
    private static CallScope ofThisThread() {
        if (HostBridge.calls() instanceof CallScope scope) {
            return scope;
        }
        CallScope made = new CallScope(Thread.currentThread());
        HostBridge.calls(made);
        return made;
    }

    /**
     * Makes an explicit frame (a top-level request, the start of async work) current on this
     * thread, with its worker's loader as context loader, and records the visit.
     *
     * @param frame the frame
     * @return the thread's scope, to {@link #exit} when the call ends
     */
    static CallScope open(CallFrame frame) {
        frame.pipeline().visit(frame.workerName());
        CallScope scope = ofThisThread();
        scope.push(frame.pipeline(), null, frame.depth(), frame, frame.loader());
        return scope;
    }

    /**
     * Enters a binding call: checks the depth, the deadline and the subrequest budget against the
     * current call (or, outside any request, a new pipeline with the limits of the binding's
     * owner), records the visit, and makes the callee current with its loader as context loader.
     *
     * @param callee what the binding calls
     * @param owner the worker that owns the binding, for calls made outside any request
     * @return the thread's scope, to {@link #exit} when the call ends
     * @throws PipelineDepthExceededException if the callee would run deeper than 32
     */
    public static CallScope enter(Callee callee, BindingOwner owner) {
        return enter(callee, owner, null);
    }

    /**
     * Enters a binding call as {@link #enter(Callee, BindingOwner)} does, telling a tail that
     * listens for the callee which request a {@code fetch} call carries.
     *
     * @param callee what the binding calls
     * @param owner the worker that owns the binding, for calls made outside any request
     * @param request the request of a {@code fetch} call, {@code null} for RPC
     * @return the thread's scope, to {@link #exit} when the call ends
     * @throws PipelineDepthExceededException if the callee would run deeper than 32
     */
    public static CallScope enter(Callee callee, BindingOwner owner, Request request) {
        return enter(callee, owner, request,
                request != null ? CoarseClock.nanoTimeIfTicking() : CoarseClock.nanoTime());
    }

    /**
     * Enters a binding call as {@link #enter(Callee, BindingOwner, Request)} does, checking the
     * deadline against a clock reading the caller already took (a {@code fetch} call times itself
     * from there: one reading instead of two).
     *
     * @param nowNanos the time now ({@link System#nanoTime()})
     */
    static CallScope enter(Callee callee, BindingOwner owner, Request request, long nowNanos) {
        CallScope scope = onThisThread();
        if (scope == null) {
            return enterDetached(callee, owner, nowNanos);
        }
        scope.count(callee.calls());
        int caller = scope.top;
        Pipeline pipeline = scope.pipelines[caller];
        int depth = scope.depths[caller] + 1;
        if (depth > Pipeline.MAX_DEPTH) {
            throw new PipelineDepthExceededException(Pipeline.MAX_DEPTH, "worker \"" + scope.workerName()
                    + "\" called worker \"" + callee.workerName() + "\" at depth " + (depth - 1)
                    + "; look for a cycle of service bindings (A -> B -> A) or make the chain shorter");
        }
        pipeline.beginSubrequestAt(nowNanos);
        pipeline.visit(callee.workerName(), callee.label());
        scope.push(pipeline, callee, depth, null, callee.loader());
        if (pipeline.observed()) {
            scope.observe(pipeline, callee, request);
        }
        return scope;
    }

    // A call from code outside any request (a worker's start(), a thread it made itself): a new
    // pipeline, under a depth-0 frame of the calling worker that ends with the call.
    private static CallScope enterDetached(Callee callee, BindingOwner owner, long nowNanos) {
        callee.calls().increment();
        CallFrame base = CallFrame.detached(owner);
        Pipeline pipeline = base.pipeline();
        pipeline.beginSubrequestAt(nowNanos);
        pipeline.visit(callee.workerName(), callee.label());
        CallScope scope = ofThisThread();
        scope.push(pipeline, null, 0, base, base.loader());
        scope.detached = true;
        scope.push(pipeline, callee, 1, null, callee.loader());
        return scope;
    }

    /**
     * Ends the innermost call: restores the context class loader it replaced; the thread's
     * outermost call also removes the scope from the thread.
     */
    public void exit() {
        exit(null, 0);
    }

    /**
     * Ends the innermost call as {@link #exit()} does, telling how it ended, for its span.
     *
     * @param error what the callee threw, or {@code null}
     * @param status the HTTP status of a fetch call's response, 0 when none
     */
    public void exit(Throwable error, int status) {
        int level = top--;
        if (pipelines[level].observed() && callees[level] != null) {
            observed(level, error, status);
        }
        ClassLoader previous = previousLoaders[level];
        if (thread.getContextClassLoader() != previous) {
            setContextLoader(thread, previous);
        }
        if (level == 1 && detached) {
            top = -1;
            detached = false;
        }
        if (top < 0) {
            flushCounts();
            clearSlots();
        }
    }

    // The thread's outermost call ended: the scope stays for its next call, holding nothing of this one.
    private void clearSlots() {
        for (int level = highest; level >= 0; level--) {
            pipelines[level] = null;
            callees[level] = null;
            frames[level] = null;
            previousLoaders[level] = null;
            invocations[level] = null;
        }
        highest = -1;
    }

    private void count(LongAdder counter) {
        LongAdder[] known = counters;
        for (int i = 0; i < countersUsed; i++) {
            if (known[i] == counter) {
                counts[i]++;
                return;
            }
        }
        if (countersUsed == known.length) {
            counters = Arrays.copyOf(known, countersUsed * 2);
            counts = Arrays.copyOf(counts, countersUsed * 2);
        }
        counters[countersUsed] = counter;
        counts[countersUsed++] = 1;
    }

    // The thread's outermost call ended: what it counted goes to the binding's counters.
    private void flushCounts() {
        for (int i = 0; i < countersUsed; i++) {
            counters[i].add(counts[i]);
            counters[i] = null;
            counts[i] = 0;
        }
        countersUsed = 0;
    }

    /**
     * The pipeline of the innermost call.
     *
     * @return the pipeline
     */
    Pipeline pipeline() {
        return pipelines[top];
    }

    /**
     * The frame of the innermost call, built on first use.
     *
     * @return the frame
     */
    CallFrame frame() {
        int level = top;
        CallFrame frame = frames[level];
        if (frame == null) {
            Callee callee = callees[level];
            frame = new CallFrame(pipelines[level], callee.workerName(), callee.loader(), callee.threads(), depths[level],
                    callee.props(), span(level), level > 0 ? span(level - 1) : pipelines[level].remoteParentSpan());
            frames[level] = frame;
        }
        return frame;
    }

    /**
     * The span id of the innermost call, made now if it has none yet; a frame built later has the same.
     *
     * @return the span id, never 0
     */
    long span() {
        return span(top);
    }

    /**
     * The name of the worker of the innermost call, without building its frame.
     *
     * @return the name
     */
    String workerName() {
        Callee callee = callees[top];
        return callee != null ? callee.workerName() : frames[top].workerName();
    }

    /**
     * The props of the innermost call, without building its frame.
     *
     * @return the props JSON
     */
    String props() {
        Callee callee = callees[top];
        return callee != null ? callee.props() : frames[top].props();
    }

    // A level with a frame has its span id already (push copies it), so a frame built later agrees.
    private long span(int level) {
        long id = spans[level];
        if (id == 0) {
            id = TraceParent.newId();
            spans[level] = id;
        }
        return id;
    }

    // A call of an observed pipeline begins: its span starts, a tail's invocation too.
    private void observe(Pipeline pipeline, Callee callee, Request request) {
        int level = top;
        if (pipeline.spanSink() != null) {
            span(level);
            starts[level] = System.nanoTime();
        }
        RequestLog log = pipeline.tailLog();
        BindingInvocation invocation = log == null ? null : log.called(callee, request);
        if (invocations[level] != invocation) {
            invocations[level] = invocation;
        }
    }

    // A call of an observed pipeline ended: its span, and its tail event.
    private void observed(int level, Throwable error, int status) {
        SpanSink sink = pipelines[level].spanSink();
        if (sink != null) {
            endSpan(sink, level, error, status);
        }
        BindingInvocation invocation = invocations[level];
        if (invocation != null) {
            invocations[level] = null;
            invocation.ended(error, status);
        }
    }

    private void endSpan(SpanSink sink, int level, Throwable error, int status) {
        long end = System.nanoTime();
        Pipeline pipeline = pipelines[level];
        Callee callee = callees[level];
        HopTags tags = callee.tags() != null ? callee.tags() : new HopTags(callee.workerName(), 0, null, null, null);
        long parent = level > 0 ? span(level - 1) : pipeline.remoteParentSpan();
        try {
            sink.hopEnded(pipeline.traceHigh(), pipeline.traceLow(), pipeline.traceFlags(), span(level), parent, tags,
                    pipeline.epochNanos(starts[level]), pipeline.epochNanos(end), status, error);
        } catch (RuntimeException e) {
            // Tracing must never fail a call.
        }
    }

    @Override
    protected CallFrame context() {
        return top < 0 ? null : frame();
    }

    private void push(Pipeline pipeline, Callee callee, int depth, CallFrame frame, ClassLoader loader) {
        int level = top + 1;
        if (level == depths.length) {
            grow();
        }
        if (level > highest) {
            highest = level;
        }
        // Compare before storing: a slot usually holds the same pipeline and callee as the last
        // call at that level, and a skipped store costs no write barrier.
        if (pipelines[level] != pipeline) {
            pipelines[level] = pipeline;
        }
        if (callees[level] != callee) {
            callees[level] = callee;
        }
        if (frames[level] != frame) {
            frames[level] = frame;
        }
        depths[level] = depth;
        spans[level] = frame != null ? frame.span() : 0;
        ClassLoader previous = thread.getContextClassLoader();
        if (previousLoaders[level] != previous) {
            previousLoaders[level] = previous;
        }
        if (previous != loader) {
            setContextLoader(thread, loader);
        }
        top = level;
    }

    /**
     * Tells whether the context class loader is set with a release store (java.lang is open to
     * the runtime) rather than through {@code Thread.setContextClassLoader}.
     *
     * @return {@code true} on the fast path
     */
    static boolean releaseStoresContextLoader() {
        return CONTEXT_LOADER != null;
    }

    private static void setContextLoader(Thread thread, ClassLoader loader) {
        if (CONTEXT_LOADER != null) {
            CONTEXT_LOADER.setRelease(thread, loader);
        } else {
            thread.setContextClassLoader(loader);
        }
    }

    private static VarHandle contextLoaderHandle() {
        if (Boolean.getBoolean("jworkers.volatileContextLoader")) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findVarHandle(Thread.class, "contextClassLoader", ClassLoader.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // java.lang not open to us: Thread.setContextClassLoader
        }
    }

    private void grow() {
        int size = depths.length * 2;
        pipelines = Arrays.copyOf(pipelines, size);
        callees = Arrays.copyOf(callees, size);
        frames = Arrays.copyOf(frames, size);
        previousLoaders = Arrays.copyOf(previousLoaders, size);
        depths = Arrays.copyOf(depths, size);
        spans = Arrays.copyOf(spans, size);
        starts = Arrays.copyOf(starts, size);
        invocations = Arrays.copyOf(invocations, size);
    }
}
