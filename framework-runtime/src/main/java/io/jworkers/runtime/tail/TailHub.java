package io.jworkers.runtime.tail;

import io.helidon.http.HttpPrologue;
import io.helidon.http.ServerRequestHeaders;
import io.jworkers.api.Env;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.worker.LoadedWorker;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live tails of one host ({@code jworkers tail}): the ingress asks it, per request, whether
 * anyone listens on the host ({@link #begin}); only then are the request's log lines collected,
 * each binding call into a worker a tail listens for makes an event of its own when it ends
 * ({@link RequestLog#called}), and when the request ends an event is made for the worker that
 * received it, if a tail listens for that one ({@link #finish}). Events go to each matching tail
 * without waiting for any. With no tail open, {@link #begin} is one volatile read.
 */
public final class TailHub implements AutoCloseable {

    /** How many tails a host serves at once unless told otherwise. */
    public static final int DEFAULT_MAX_TAILS = 10;
    /** How many events wait for a slow tail before new ones are dropped. */
    public static final int DEFAULT_QUEUE = 256;

    private static final TailSession[] NONE = new TailSession[0];
    // How long close() waits for the open streams to write their end.
    private static final long END_WAIT_MILLIS = 2000;

    private final int maxTails;
    private final int queueCapacity;
    // Copied on write under this; read on every request.
    private volatile TailSession[] sessions = NONE;
    private boolean closed;
    // The host's workers: their secret values are redacted in every event, not only the tailed
    // worker's (a gateway's request carries the token its auth worker holds as a secret).
    private volatile Supplier<? extends Collection<LoadedWorker>> workers = List::of;

    /** A hub with the default limits. */
    public TailHub() {
        this(DEFAULT_MAX_TAILS, DEFAULT_QUEUE);
    }

    /**
     * A hub with its own limits.
     *
     * @param maxTails how many tails may listen at once
     * @param queueCapacity how many events wait per tail
     */
    public TailHub(int maxTails, int queueCapacity) {
        this.maxTails = maxTails;
        this.queueCapacity = queueCapacity;
    }

    /**
     * Redacts the secret values of these workers in every event, besides the tailed worker's own.
     *
     * @param hostWorkers the host's loaded versions, asked once per event (only while a tail listens)
     * @return this hub
     */
    public TailHub redactSecretsOf(Supplier<? extends Collection<LoadedWorker>> hostWorkers) {
        this.workers = hostWorkers;
        return this;
    }

    // The values no event may show: the event's worker's secrets first, then every other worker's.
    List<String> secretValues(Env own) {
        Set<String> values = new LinkedHashSet<>(TailEvent.secretValues(own));
        for (LoadedWorker worker : workers.get()) {
            values.addAll(TailEvent.secretValues(worker.env()));
        }
        return List.copyOf(values);
    }

    /**
     * Opens a tail.
     *
     * @param filter what it listens for
     * @return the session, to {@link #close(TailSession)} when the client goes
     * @throws TooManyTailsException when {@code maxTails} tails already listen
     */
    public synchronized TailSession open(TailFilter filter) {
        if (sessions.length >= maxTails) {
            throw new TooManyTailsException(maxTails);
        }
        TailSession session = new TailSession(filter, queueCapacity);
        if (closed) {
            session.close();
            return session;
        }
        TailSession[] more = Arrays.copyOf(sessions, sessions.length + 1);
        more[sessions.length] = session;
        sessions = more;
        RequestLog.tailOpened();
        return session;
    }

    /**
     * Ends a tail: its client is gone.
     *
     * @param session the session
     */
    public synchronized void close(TailSession session) {
        session.close();
        TailSession[] now = sessions;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == session) {
                TailSession[] fewer = new TailSession[now.length - 1];
                System.arraycopy(now, 0, fewer, 0, i);
                System.arraycopy(now, i + 1, fewer, i, now.length - i - 1);
                sessions = fewer;
                RequestLog.tailClosed();
                notifyAll();
                return;
            }
        }
    }

    /**
     * How many tails listen now.
     *
     * @return the count
     */
    public int listening() {
        return sessions.length;
    }

    /**
     * Called by the ingress when a request's pipeline is opened, before any worker runs: when a
     * tail listens on this host, for the request's worker or for any worker it may reach through
     * bindings, the pipeline collects its log lines from now on.
     *
     * @param pipeline the request's pipeline
     * @param worker the version the request goes to
     * @return the collector to hand to {@link #finish}, or {@code null} when nobody listens (the usual case)
     */
    public RequestLog begin(Pipeline pipeline, LoadedWorker worker) {
        if (sessions.length == 0) {
            return null;
        }
        RequestLog log = new RequestLog(this, pipeline.requestId());
        pipeline.tailLog(log);
        return log;
    }

    /**
     * Whether a tail listens for a worker now.
     *
     * @param worker the worker's name
     * @param environment its environment
     * @return {@code true} when one does
     */
    boolean listensTo(String worker, String environment) {
        for (TailSession session : sessions) {
            if (session.filter().listensTo(worker, environment)) {
                return true;
            }
        }
        return false;
    }

    // An event of a worker goes to each of its tails whose filter takes it.
    void offer(String worker, String environment, Map<String, Object> event) {
        for (TailSession session : sessions) {
            if (session.filter().listensTo(worker, environment) && session.filter().accepts(event)) {
                session.offer(event);
            }
        }
    }

    /**
     * Called by the ingress when the response of a request that {@link #begin} collected for
     * was sent (HTTP/1.1 through Helidon's routing, or the HTTP/1.0 path): its event goes to each
     * tail whose filter takes it, without waiting for any.
     *
     * @param log what {@link #begin} returned
     * @param worker the version that served it
     * @param prologue the request line
     * @param headers the request headers
     * @param status the status sent (499 when the client went away)
     * @param startNanos when the request arrived ({@link System#nanoTime()})
     * @param requestId the request id
     */
    public void finish(RequestLog log, LoadedWorker worker, HttpPrologue prologue, ServerRequestHeaders headers,
            int status, long startNanos, String requestId) {
        String environment = worker.env().version().environment();
        if (!listensTo(worker.name(), environment)) {
            return; // the tails listen for workers it called, whose events went already
        }
        String query = prologue.query().rawValue();
        String url = "http://" + headers.first(io.helidon.http.HeaderNames.HOST).orElse("-")
                + prologue.uriPath().rawPath() + (query.isEmpty() ? "" : "?" + query);
        offer(worker.name(), environment, TailEvent.of(log, worker, prologue.method().text(), headers, url, status,
                startNanos, requestId,
                secretValues(worker.env())));
    }

    /**
     * Closes every tail: the host is shutting down; their clients see the stream end. Waits (up to
     * {@value #END_WAIT_MILLIS} ms) until each stream has ended ({@link #close(TailSession)}), so
     * that a listener stopped next does not cut a stream before its end is written: the client
     * would report a broken connection instead of the host's shutdown.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return; // the first close waited already; a host's parts each close it on their way out
        }
        closed = true;
        for (TailSession session : sessions) {
            session.close();
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(END_WAIT_MILLIS);
        boolean interrupted = false;
        for (long left = END_WAIT_MILLIS; sessions.length > 0 && left > 0;
                left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
            try {
                wait(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
