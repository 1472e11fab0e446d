package io.jworkers.runtime.tail;

import io.jworkers.api.Request;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Callee;
import io.jworkers.runtime.pipeline.Pipeline;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The log lines and the escaped exception of one request, collected only while a tail listens
 * on the request's host (the ingress attaches one to the pipeline then, see
 * {@link TailHub#begin}). A line is attributed to the request whose call runs on the thread
 * that wrote it ({@link CallFrame#currentPipeline()}), so concurrent requests never mix lines,
 * and to the worker whose code wrote it, so an event of one binding call can take that worker's
 * lines alone ({@link #called}).
 *
 * <p>When nobody tails anywhere in the process, the hooks cost one volatile read
 * ({@link #capturing()}).
 */
public final class RequestLog {

    /** At most this many lines per request are kept; the rest are counted. */
    static final int MAX_LINES = 1000;
    /** A longer line is cut (a tail is for reading, not for shipping bulk data). */
    static final int MAX_LINE_CHARS = 16 * 1024;

    /** One line: who wrote it, wrangler's level ({@code log}, {@code info}, {@code warn}, {@code error}, {@code debug}), when. */
    record Line(String worker, String level, String message, long timestamp) {
    }

    /** An exception that escaped to the ingress. */
    record Failure(String name, String message, long timestamp) {
    }

    // Tails open in this process, over every host in it: decides whether the hooks do anything.
    private static volatile int listening;
    // Per thread and stream: the start of a line printed in pieces (print, then println).
    private static final ThreadLocal<ByteArrayOutputStream> PENDING_OUT = ThreadLocal.withInitial(ByteArrayOutputStream::new);
    private static final ThreadLocal<ByteArrayOutputStream> PENDING_ERR = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    private final TailHub hub;
    private final String requestId;
    private final long eventTimestamp = System.currentTimeMillis();
    private final List<Line> lines = new ArrayList<>();
    private final AtomicInteger droppedLines = new AtomicInteger();
    private volatile Failure failure;

    RequestLog(TailHub hub, String requestId) {
        this.hub = hub;
        this.requestId = requestId;
    }

    /**
     * A binding call of this request begins (called by the call path, only for pipelines that
     * collect): when a tail of the host listens for the called worker, the call becomes an
     * invocation whose event is sent when it ends.
     *
     * @param callee what the binding calls, with how a tail event names it
     * @param request the request of a {@code fetch} call, {@code null} for RPC
     * @return the invocation to end, or {@code null} when nobody listens for the callee
     */
    public BindingInvocation called(Callee callee, Request request) {
        TailTarget target = callee.tail();
        if (target == null || !hub.listensTo(target.worker(), target.environment())) {
            return null;
        }
        String method = callee.tags() == null ? null : callee.tags().method();
        int first;
        synchronized (lines) {
            first = lines.size();
        }
        return new BindingInvocation(this, target, method, request, first, droppedLines.get());
    }

    /**
     * Whether any tail listens in this process; the hooks return at once when not.
     *
     * @return {@code true} while a tail is open
     */
    public static boolean capturing() {
        return listening > 0;
    }

    static synchronized void tailOpened() {
        listening++;
        TailLogHandler.installOnce();
    }

    static synchronized void tailClosed() {
        listening--;
    }

    /**
     * Bytes a worker wrote to standard output or error (called by the CLI's {@code WorkerOutput}
     * while {@link #capturing()}): each complete line goes to the request of the call running on
     * this thread, if a tail collects its lines.
     *
     * @param bytes the bytes
     * @param offset where they start
     * @param length how many
     * @param error {@code true} for standard error
     */
    public static void printed(byte[] bytes, int offset, int length, boolean error) {
        Pipeline pipeline = CallFrame.currentPipeline();
        RequestLog log = pipeline == null ? null : pipeline.tailLog();
        if (log == null) {
            return;
        }
        ByteArrayOutputStream pending = (error ? PENDING_ERR : PENDING_OUT).get();
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                pending.write(bytes, start, i - start);
                String line = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                log.add(CallFrame.currentWorkerName(), error ? "error" : "log",
                        line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                start = i + 1;
            }
        }
        if (start < end) {
            pending.write(bytes, start, end - start);
        }
    }

    /**
     * Records the exception that escaped the worker to the ingress (the request's 500 or 504).
     *
     * @param pipeline the request's pipeline
     * @param thrown what escaped
     */
    public static void failed(Pipeline pipeline, Throwable thrown) {
        RequestLog log = pipeline.tailLog();
        if (log != null) {
            log.failure = new Failure(thrown.getClass().getName(), String.valueOf(thrown.getMessage()),
                    System.currentTimeMillis());
        }
    }

    void add(String worker, String level, String message) {
        if (message.length() > MAX_LINE_CHARS) {
            message = message.substring(0, MAX_LINE_CHARS) + "…";
        }
        Line line = new Line(worker, level, message, System.currentTimeMillis());
        synchronized (lines) {
            if (lines.size() < MAX_LINES) {
                lines.add(line);
                return;
            }
        }
        droppedLines.incrementAndGet();
    }

    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    // The lines one worker wrote from the index on.
    List<Line> linesOf(String worker, int from) {
        List<Line> of = new ArrayList<>();
        synchronized (lines) {
            for (int i = from; i < lines.size(); i++) {
                Line line = lines.get(i);
                if (worker.equals(line.worker())) {
                    of.add(line);
                }
            }
        }
        return of;
    }

    TailHub hub() {
        return hub;
    }

    String requestId() {
        return requestId;
    }

    int droppedLines() {
        return droppedLines.get();
    }

    Failure failure() {
        return failure;
    }

    long eventTimestamp() {
        return eventTimestamp;
    }
}
