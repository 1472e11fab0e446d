package io.jworkers.runtime.host;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which top-level requests are in flight, by epoch: a request joins the current epoch when it
 * starts and leaves when its response is sent. Replacing a worker version advances the epoch;
 * the old version may close once every request of an earlier epoch has left, because only those
 * can still be running its code. This costs two counter updates per request and nothing per
 * binding call.
 */
public final class RequestEpochs {

    // The epoch new requests join, with its counter: begin and end touch no map while it is current.
    private record Epoch(long number, AtomicInteger count) {
    }

    private final Map<Long, AtomicInteger> active = new ConcurrentHashMap<>();
    private volatile Epoch current = new Epoch(0, new AtomicInteger());

    /** Starts with epoch 0. */
    public RequestEpochs() {
        active.put(0L, current.count());
    }

    /**
     * Registers a request that starts now.
     *
     * @return the epoch to pass to {@link #end}
     */
    public long begin() {
        Epoch epoch = current;
        epoch.count().incrementAndGet();
        return epoch.number();
    }

    /**
     * Registers that a request has ended.
     *
     * @param started the epoch {@link #begin} returned
     */
    public void end(long started) {
        Epoch epoch = current;
        AtomicInteger count = epoch.number() == started ? epoch.count() : active.get(started);
        if (count != null && count.decrementAndGet() == 0 && started < current.number()) {
            active.remove(started, count);
        }
    }

    /**
     * Starts a new epoch, e.g. right after a version swap.
     *
     * @return the new epoch: requests of earlier ones may still see the old version
     */
    public synchronized long advance() {
        Epoch previous = current;
        Epoch next = new Epoch(previous.number() + 1, new AtomicInteger());
        active.put(next.number(), next.count());
        current = next;
        // An epoch nobody is in any more is forgotten now (a request still ending in it removes it
        // otherwise). A request that read the old epoch but counts itself only after this started
        // after the swap that preceded this call, so it cannot see the replaced version.
        if (previous.count().get() == 0) {
            active.remove(previous.number(), previous.count());
        }
        return next.number();
    }

    /**
     * Waits until no request of an epoch before {@code epoch} is in flight.
     *
     * @param before the epoch {@link #advance} returned
     * @param timeout how long at most
     * @return whether they all finished in time
     */
    public boolean awaitBefore(long before, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active.entrySet().stream().anyMatch(e -> e.getKey() < before && e.getValue().get() > 0)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
