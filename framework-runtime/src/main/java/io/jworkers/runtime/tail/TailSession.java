package io.jworkers.runtime.tail;

import java.util.HashMap;
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

    // Put in the queue by close() to end a reader's wait. Not an interrupt: on a virtual thread an
    // interrupt that lands while the stream writes (a heartbeat, or the stream's end) closes the
    // socket, and the client sees a broken connection instead of the host's shutdown.
    private static final Map<String, Object> WAKE_UP = new HashMap<>();

    private final TailFilter filter;
    private final BlockingQueue<Map<String, Object>> events;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

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
     * @return the event, or {@code null} when none came in time, the tail was closed or the thread was
     *     interrupted (its flag stays set)
     */
    public Map<String, Object> next(long timeoutMillis) {
        if (closed) {
            return null;
        }
        try {
            Map<String, Object> event = events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            return event == WAKE_UP ? null : event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
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
        // A full queue refuses the marker, but then its reader does not wait: it takes an event
        // and sees the tail closed before it polls again.
        events.offer(WAKE_UP);
    }
}
