package io.jworkers.runtime.pipeline;

import io.jworkers.api.DeadlineExceededException;
import io.jworkers.api.SubrequestLimitExceededException;
import io.jworkers.runtime.tail.RequestLog;
import io.jworkers.runtime.trace.SpanSink;
import io.jworkers.runtime.trace.TraceParent;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One top-level request and every binding call made on its behalf: the request id, the
 * subrequest budget and the deadline they share, the W3C trace they belong to (and where their
 * spans go, if anywhere), and the workers they passed through.
 * Shared by all threads of the pipeline, so it is thread-safe.
 */
public final class Pipeline {

    private static final System.Logger LOG = System.getLogger("jworkers.worker");

    // Work started beside the response: a thread, or a stage handed to waitUntil. Both are held
    // weakly: the pipeline outlives its work (the ingress and the grace timer keep it), and a
    // finished thread still references its task and the worker's context class loader, a
    // finished stage its result, which would keep a replaced version's loader alive. Running
    // work is reachable anyway (a live thread; a stage through whoever will complete it).
    private record Background(WeakReference<Thread> thread, WeakReference<CompletableFuture<?>> stage, String workerName,
            boolean waitUntil) {
        Background(Thread thread, CompletableFuture<?> stage, String workerName, boolean waitUntil) {
            this(thread == null ? null : new WeakReference<>(thread), stage == null ? null : new WeakReference<>(stage),
                    workerName, waitUntil);
        }

        boolean running() {
            if (thread != null) {
                Thread running = thread.get();
                return running != null && running.isAlive();
            }
            CompletableFuture<?> pending = stage.get();
            return pending != null && !pending.isDone();
        }

        void cancel() {
            Thread running = thread == null ? null : thread.get();
            CompletableFuture<?> pending = stage == null ? null : stage.get();
            if (running != null) {
                running.interrupt();
            } else if (pending != null) {
                pending.cancel(true);
            }
        }
    }

    /** Cloudflare's limit: a request may pass through at most 32 workers in a row. */
    public static final int MAX_DEPTH = 32;

    private final String requestId;
    private final int subrequestLimit;
    private final long deadlineNanos;
    // The deadline on the wall clock, made on first use: most requests never ask for it, so they
    // skip the wall-clock reading.
    private volatile Instant deadline;
    private final Duration timeout;
    private static final VarHandle SUBREQUESTS;
    private static final VarHandle DEADLINE;

    static {
        try {
            SUBREQUESTS = MethodHandles.lookup().findVarHandle(Pipeline.class, "subrequests", int.class);
            DEADLINE = MethodHandles.lookup().findVarHandle(Pipeline.class, "deadline", Instant.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Counted with plain writes by the thread that opened the pipeline as long as it is the only
    // one running it (an atomic add costs more than the rest of a binding call); atomically by
    // every thread once async work has joined (share()), and always by other threads.
    private final Thread opener = Thread.currentThread();
    private volatile boolean shared;
    @SuppressWarnings("unused") // through SUBREQUESTS
    private int subrequests;
    // The workers passed through, with their fetch time: looked up on every hop, without a lock.
    private final Visits visits = new Visits();
    // What chooses the versions of split workers: the key (null: the request id), its bucket
    // (computed on first use, -1 before) and the overrides.
    // Set before the pipeline runs on other threads (their start orders the writes), so plain fields.
    private String versionKey;
    private int bucket = -1;
    private Map<String, Integer> overrides = Map.of();
    private final List<Background> background = new ArrayList<>();
    // Guarded by background, made on the first failure: most pipelines have none.
    private List<Throwable> waitUntilFailures;
    private boolean responded;
    // Guarded by background: work started beside the response that has not ended, and who waits for none.
    private int backgroundRunning;
    private Runnable whenDone;
    // Set by the ingress before the pipeline runs, only while a tail listens on its host.
    private volatile RequestLog tailLog;
    // Whether binding calls report to anyone (spans exported, or a tail collecting): the one field
    // the call path reads for both, set with them before the pipeline runs on other threads.
    private boolean observed;
    // The W3C trace the pipeline belongs to: a new one unless the ingress continues an incoming
    // traceparent (trace(), before the pipeline runs on other threads, so plain fields); where its
    // spans go, null when they are not exported (the hot path then records nothing).
    private long traceHigh = TraceParent.newId();
    private long traceLow = TraceParent.newId();
    private long remoteParentSpan;
    private int traceFlags;
    private SpanSink spans;

    /**
     * Opens a pipeline now.
     *
     * @param requestId the top-level request's id
     * @param subrequestLimit how many binding calls the pipeline may make
     * @param timeout the wall-clock budget of the whole pipeline
     */
    public Pipeline(String requestId, int subrequestLimit, Duration timeout) {
        this(requestId, subrequestLimit, timeout, System.nanoTime());
    }

    /**
     * Opens a pipeline whose budget began at {@code openedNanos}: the ingress's reading of when it
     * began to read the request, so that the deadline counts from there and the clock is read once.
     *
     * @param requestId the top-level request's id
     * @param subrequestLimit how many binding calls the pipeline may make
     * @param timeout the wall-clock budget of the whole pipeline
     * @param openedNanos when the budget began ({@link System#nanoTime()})
     */
    public Pipeline(String requestId, int subrequestLimit, Duration timeout, long openedNanos) {
        this.requestId = requestId;
        this.subrequestLimit = subrequestLimit;
        this.timeout = timeout;
        this.deadlineNanos = openedNanos + timeout.toNanos();
    }

    /**
     * The top-level request's id.
     *
     * @return the id
     */
    public String requestId() {
        return requestId;
    }

    /**
     * Joins the pipeline to a trace: the incoming {@code traceparent}'s when it is valid (its
     * sampled flag decides whether spans are exported), else a new trace whose id is the request
     * id when that is already 32 hex digits (so logs and traces share one id). Called by the ingress
     * before the first worker runs.
     *
     * @param traceparent the incoming header, or {@code null}
     * @param sink where spans go, {@code null} when export is off
     */
    public void trace(String traceparent, SpanSink sink) {
        TraceParent.Incoming incoming = TraceParent.parse(traceparent);
        if (incoming != null) {
            traceHigh = incoming.traceHigh();
            traceLow = incoming.traceLow();
            remoteParentSpan = incoming.parentSpanId();
            traceFlags = incoming.flags();
        } else {
            long[] id = TraceParent.traceIdOf(requestId);
            if (id != null) {
                traceHigh = id[0];
                traceLow = id[1];
            }
            remoteParentSpan = 0;
            traceFlags = sink != null ? TraceParent.SAMPLED : 0;
        }
        spans = sink != null && (traceFlags & TraceParent.SAMPLED) != 0 ? sink : null;
        observed = spans != null || tailLog != null;
    }

    /**
     * The first 64 bits of the trace id.
     *
     * @return the bits
     */
    public long traceHigh() {
        return traceHigh;
    }

    /**
     * The last 64 bits of the trace id.
     *
     * @return the bits
     */
    public long traceLow() {
        return traceLow;
    }

    /**
     * The W3C trace flags the pipeline's hops carry.
     *
     * @return the flags, {@link TraceParent#SAMPLED} when spans are recorded
     */
    public int traceFlags() {
        return traceFlags;
    }

    /**
     * The W3C {@code traceparent} of one of the pipeline's hops: its trace id and flags with the hop's span.
     *
     * @param span the hop's span id
     * @return the header value
     */
    public String traceparent(long span) {
        return TraceParent.format(traceHigh, traceLow, span, traceFlags);
    }

    /**
     * The span id of the incoming request's caller, the parent of the first hop.
     *
     * @return the id, 0 when the trace began here
     */
    public long remoteParentSpan() {
        return remoteParentSpan;
    }

    /**
     * Where this pipeline's spans go.
     *
     * @return the sink, {@code null} when they are not exported
     */
    public SpanSink spanSink() {
        return spans;
    }

    /**
     * Whether binding calls in this pipeline report how they went to anyone: their spans are
     * exported ({@link #spanSink()}) or a tail collects ({@link #tailLog()}). The call path reads
     * this alone and looks further only when it is set.
     *
     * @return {@code true} when either is on
     */
    public boolean observed() {
        return observed;
    }

    /**
     * A {@link System#nanoTime()} reading as nanoseconds since the epoch, against the clocks read
     * when the pipeline opened.
     *
     * @param nanoTime the reading
     * @return the epoch nanoseconds
     */
    public long epochNanos(long nanoTime) {
        Instant opened = deadline().minus(timeout);
        long openedNanos = deadlineNanos - timeout.toNanos();
        return opened.getEpochSecond() * 1_000_000_000L + opened.getNano() + (nanoTime - openedNanos);
    }

    /**
     * When the pipeline's budget ends.
     *
     * @return the deadline
     */
    public Instant deadline() {
        Instant known = deadline;
        if (known == null) {
            // The first reading wins, so that every caller sees the same instant.
            Instant made = Instant.now().plusNanos(deadlineNanos - System.nanoTime());
            known = DEADLINE.compareAndExchange(this, null, made) instanceof Instant other ? other : made;
        }
        return known;
    }

    /**
     * How many binding calls the pipeline has made.
     *
     * @return the count
     */
    public int subrequests() {
        return (int) SUBREQUESTS.getVolatile(this);
    }

    /**
     * Tells the pipeline that threads other than the one that opened it are about to run in it
     * (async work): from now on every thread counts subrequests atomically. Called by a thread of
     * the pipeline before it starts the other thread, so the plain counts before happen-before
     * the atomic ones after.
     */
    public void share() {
        if (!shared) {
            shared = true;
        }
    }

    /**
     * Checks the deadline and counts one binding call against the budget.
     *
     * @param fetch whether it is a {@code fetch} call, which costs far more than a typed RPC call: its
     *     deadline is checked without waking {@link CoarseClock}'s ticker ({@code System.nanoTime()}
     *     while it sleeps), so that HTTP-style traffic keeps no thread ticking. A typed RPC call reads
     *     the coarse clock (at most about a millisecond late), waking it if need be.
     * @throws DeadlineExceededException if the deadline has passed
     * @throws SubrequestLimitExceededException if this call is one too many
     */
    public void beginSubrequest(boolean fetch) {
        beginSubrequestAt(fetch ? CoarseClock.nanoTimeIfTicking() : CoarseClock.nanoTime());
    }

    /**
     * Checks the deadline against a clock reading the caller already has (a {@code fetch} call's
     * own start) and counts one binding call against the budget.
     *
     * @param nowNanos the time now ({@link System#nanoTime()})
     * @throws DeadlineExceededException if the deadline has passed
     * @throws SubrequestLimitExceededException if this call is one too many
     */
    void beginSubrequestAt(long nowNanos) {
        checkDeadline(nowNanos);
        int count;
        if (Thread.currentThread() == opener && !shared) {
            count = (int) SUBREQUESTS.get(this) + 1;
            SUBREQUESTS.setOpaque(this, count);
        } else {
            count = (int) SUBREQUESTS.getAndAdd(this, 1) + 1;
        }
        if (count > subrequestLimit) {
            throw new SubrequestLimitExceededException(subrequestLimit);
        }
    }

    // Throws once the deadline has passed.
    private void checkDeadline(long now) {
        if (now - deadlineNanos > 0) {
            throw new DeadlineExceededException("Request " + requestId + " ran past its deadline of "
                    + timeout.toMillis() + " ms (limits.timeout_ms); no further binding calls are allowed."
                    + " Raise limits.timeout_ms of the worker that received the request, or make the work faster");
        }
    }

    /**
     * Records that the pipeline passed through a worker.
     *
     * @param workerName the worker
     */
    public void visit(String workerName) {
        visits.visit(workerName, workerName);
    }

    /**
     * Records that the pipeline passed through a version of a worker: the access line names the
     * worker by {@code label} ({@code auth@2}), the first version visited when several were.
     *
     * @param workerName the worker
     * @param label how the access line names it
     */
    public void visit(String workerName, String label) {
        visits.visit(workerName, label);
    }

    /**
     * Makes the versions of split workers follow a key and overrides instead of the request id.
     * Called by the ingress before the first worker is chosen.
     *
     * @param key the {@code x-jworkers-version-key} header, or {@code null} for the request id
     * @param pins worker name to version, from {@code x-jworkers-version-overrides}
     */
    public void chooseVersionsBy(String key, Map<String, Integer> pins) {
        chooseVersionsBy(key, pins, -1);
    }

    /**
     * As {@link #chooseVersionsBy(String, Map)}, with the key's bucket when the ingress already
     * computed it (to choose the first worker's version), so the key is hashed once.
     *
     * @param key the {@code x-jworkers-version-key} header, or {@code null} for the request id
     * @param pins worker name to version, from {@code x-jworkers-version-overrides}
     * @param bucket the bucket of the key (or of the request id), or -1 when not computed yet
     */
    public void chooseVersionsBy(String key, Map<String, Integer> pins, int bucket) {
        this.versionKey = key;
        this.overrides = pins;
        this.bucket = bucket;
    }

    /**
     * The bucket of the pipeline's version key, 0..99 (see {@link VersionKey}).
     *
     * @return the bucket
     */
    public int versionBucket() {
        int known = bucket;
        if (known < 0) {
            // Racing threads of one pipeline compute the same value: no lock needed.
            known = VersionKey.bucket(versionKey != null ? versionKey : requestId);
            bucket = known;
        }
        return known;
    }

    /**
     * The version the request's overrides pin for a worker.
     *
     * @param workerName the worker
     * @return the version number, or 0 when none is pinned
     */
    public int pinnedVersion(String workerName) {
        Map<String, Integer> pins = overrides;
        if (pins.isEmpty()) {
            return 0;
        }
        Integer version = pins.get(workerName);
        return version == null ? 0 : version;
    }

    /**
     * Records a visit to a worker, as {@link #visit(String)} does, and says where its time goes.
     *
     * @param workerName the worker
     * @return the visit, for {@link #addTime(int, long)}
     */
    int visitIndex(String workerName) {
        return visits.visit(workerName, workerName);
    }

    /**
     * Adds the time one fetch call spent in a worker. RPC calls are not timed: reading the clock
     * twice would cost more than the call itself.
     *
     * @param workerName the worker
     * @param nanos the call's duration, including the calls it made
     */
    public void addTime(String workerName, long nanos) {
        addTime(visitIndex(workerName), nanos);
    }

    /**
     * Adds the time one fetch call spent in a worker, to the visit {@link #visitIndex} gave: a plain
     * add while the pipeline runs only on the thread that opened it, under a lock once other
     * threads run in it.
     *
     * @param visit the worker's visit
     * @param nanos the call's duration, including the calls it made
     */
    void addTime(int visit, long nanos) {
        visits.addTime(visit, nanos, Thread.currentThread() == opener && !shared);
    }

    /**
     * The workers and the time spent in each, for the access log:
     * {@code gateway:2.1ms>auth:0.1ms>application:1.5ms}; a worker reached only over RPC has no time.
     *
     * @return the description, {@code -} when the pipeline reached no worker
     */
    public String describeWorkers() {
        return describeWorkers(new StringBuilder()).toString();
    }

    /**
     * Appends what {@link #describeWorkers()} returns to a line being built (the access log's, without
     * a string of its own).
     *
     * @param text the line
     * @return {@code text}
     */
    public StringBuilder describeWorkers(StringBuilder text) {
        return visits.describe(text);
    }

    /**
     * Registers async work that the caller may await. Work started after the response (by
     * {@code waitUntil} work) counts as {@code waitUntil} work.
     *
     * @param thread the thread running it
     * @param workerName the worker that started it
     */
    public void trackAsync(Thread thread, String workerName) {
        synchronized (background) {
            background.add(new Background(thread, null, workerName, responded));
        }
    }

    /**
     * Registers work that may outlive the response by the grace period.
     *
     * @param thread the thread running it, or {@code null} for a stage
     * @param stage the stage, or {@code null} for a thread
     * @param workerName the worker that started it
     */
    public void trackWaitUntil(Thread thread, CompletableFuture<?> stage, String workerName) {
        synchronized (background) {
            background.add(new Background(thread, stage, workerName, true));
        }
    }

    /**
     * Called once the top-level response has been sent: cancels async work still running that
     * nobody awaited, and gives {@code waitUntil} work until {@code grace} before cancelling it.
     *
     * @param timer runs the end of the grace period
     * @param grace how long {@code waitUntil} work may run on
     * @return whether {@code waitUntil} work is still running
     */
    public boolean responseSent(ScheduledExecutorService timer, Duration grace) {
        List<Background> pending;
        synchronized (background) {
            responded = true;
            pending = List.copyOf(background);
        }
        boolean waiting = false;
        for (Background work : pending) {
            if (!work.running()) {
                continue;
            }
            if (work.waitUntil()) {
                waiting = true;
            } else {
                work.cancel();
                LOG.log(Level.WARNING, "[" + work.workerName() + "] cancelled async work of request " + requestId
                        + ": it was still running after the response and nobody awaited it"
                        + " (await it, or hand it to ctx().waitUntil to let it finish)");
            }
        }
        if (waiting) {
            timer.schedule(() -> cancelWaitUntil(grace), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        return waiting;
    }

    /** Background work starts: counted until {@link #backgroundEnded()}. */
    void backgroundStarted() {
        synchronized (background) {
            backgroundRunning++;
        }
    }

    /** Background work ended, however it ended. */
    void backgroundEnded() {
        Runnable action = null;
        synchronized (background) {
            if (--backgroundRunning == 0 && whenDone != null) {
                action = whenDone;
                whenDone = null;
            }
        }
        if (action != null) {
            action.run();
        }
    }

    /**
     * Runs an action once no work started beside the response is running any more: at once if
     * none is, else when the last piece ends (finished, failed or cancelled).
     *
     * @param action what to run, on the thread that ends the last piece of work
     */
    public void whenBackgroundDone(Runnable action) {
        synchronized (background) {
            if (backgroundRunning > 0) {
                whenDone = action;
                return;
            }
        }
        action.run();
    }

    /** Cancels every piece of background work still running, e.g. when the host shuts down. */
    public void cancelBackgroundWork() {
        cancelWaitUntil(null);
    }

    /**
     * Tells whether any work started beside the response is still running.
     *
     * @return {@code true} while some is
     */
    public boolean hasRunningBackgroundWork() {
        synchronized (background) {
            return background.stream().anyMatch(Background::running);
        }
    }

    private void cancelWaitUntil(Duration grace) {
        List<Background> pending;
        synchronized (background) {
            pending = List.copyOf(background);
        }
        for (Background work : pending) {
            if (work.running()) {
                work.cancel();
                LOG.log(Level.WARNING, "[" + work.workerName() + "] cancelled " + (work.waitUntil() ? "waitUntil" : "async")
                        + " work of request " + requestId + ": " + (grace == null ? "the host is shutting down"
                        : "still running " + grace.toMillis() + " ms after the response (the grace period)"));
            }
        }
    }

    /**
     * Records that {@code waitUntil} work failed, for whoever waits on the pipeline (a test).
     *
     * @param error what the work threw
     */
    void waitUntilFailed(Throwable error) {
        synchronized (background) {
            if (waitUntilFailures == null) {
                waitUntilFailures = new ArrayList<>(2);
            }
            waitUntilFailures.add(error);
        }
    }

    /**
     * The failures of this pipeline's {@code waitUntil} work so far (a cancellation is not one).
     * They are also logged; this is for callers that wait for the work, such as tests.
     *
     * @return a snapshot, oldest first
     */
    public List<Throwable> waitUntilFailures() {
        synchronized (background) {
            return waitUntilFailures == null ? List.of() : List.copyOf(waitUntilFailures);
        }
    }

    /**
     * The workers the pipeline passed through, in the order it first reached them.
     *
     * @return a snapshot
     */
    public List<String> visitedWorkers() {
        return visits.names();
    }

    /**
     * Collects the pipeline's log lines for live tails ({@code jworkers tail}) and makes its
     * binding calls into tailed workers events of their own; set by the ingress before any
     * worker runs, only while a tail listens on the host.
     *
     * @param log the collector
     */
    public void tailLog(RequestLog log) {
        tailLog = log;
        observed = spans != null || log != null;
    }

    /**
     * The collector of the pipeline's log lines.
     *
     * @return the collector, {@code null} when no tail listens on the host (the usual case)
     */
    public RequestLog tailLog() {
        return tailLog;
    }
}
