package io.jworkers.runtime.host;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which top-level requests are in flight, by epoch: a request joins the current epoch when it
 * starts and leaves when its response is sent. Replacing a worker version advances the epoch;
 * the old version may close once every request of an earlier epoch has left, because only those
 * can still be running its code. This costs two counter updates per request and nothing per
 * binding call.
 */
public final class RequestEpochs {

    private final AtomicLong epoch = new AtomicLong();
    private final Map<Long, AtomicInteger> active = new ConcurrentHashMap<>();

    /**
     * Registers a request that starts now.
     *
     * @return the epoch to pass to {@link #end}
     */
    public long begin() {
        long current = epoch.get();
        active.computeIfAbsent(current, e -> new AtomicInteger()).incrementAndGet();
        return current;
    }

    /**
     * Registers that a request has ended.
     *
     * @param started the epoch {@link #begin} returned
     */
    public void end(long started) {
        AtomicInteger count = active.get(started);
        if (count != null && count.decrementAndGet() == 0 && started < epoch.get()) {
            active.remove(started, count);
        }
    }

    /**
     * Starts a new epoch, e.g. right after a version swap.
     *
     * @return the new epoch: requests of earlier ones may still see the old version
     */
    public long advance() {
        return epoch.incrementAndGet();
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
