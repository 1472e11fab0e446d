package io.jworkers.runtime.tail;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One listening tail: its filter and a bounded queue of events between the requests that
 * produce them and the connection that sends them. A request never waits for a tail: when the
 * queue is full the event is dropped and counted, and the count goes to the client next.
 */
public final class TailSession {

    private final TailFilter filter;
    private final BlockingQueue<Map<String, Object>> events;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    private volatile Thread reader;

    TailSession(TailFilter filter, int capacity) {
        this.filter = filter;
        this.events = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * What this tail listens for.
     *
     * @return the filter
     */
    public TailFilter filter() {
        return filter;
    }

    void offer(Map<String, Object> event) {
        if (!events.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * The next event, waiting at most {@code timeoutMillis}.
     *
     * @param timeoutMillis how long to wait
     * @return the event, or {@code null} when none came in time or the tail was closed
     */
    public Map<String, Object> next(long timeoutMillis) {
        reader = Thread.currentThread();
        try {
            return closed ? null : events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return null; // closed
        }
    }

    /**
     * The events dropped since the last call, because the client read slower than they came.
     *
     * @return the count, 0 when none
     */
    public long takeDropped() {
        return dropped.getAndSet(0);
    }

    /**
     * The events dropped so far and not yet reported.
     *
     * @return the count
     */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Whether the host closed the tail (it is shutting down).
     *
     * @return {@code true} once closed
     */
    public boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
        Thread waiting = reader;
        if (waiting != null) {
            waiting.interrupt();
        }
    }
}
