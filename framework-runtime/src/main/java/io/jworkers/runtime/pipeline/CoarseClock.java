package io.jworkers.runtime.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * A clock read with one volatile load, for checks that run on every binding call (the deadline):
 * {@code System.nanoTime()} costs tens of nanoseconds on virtual machines, more than the call it
 * would guard. A daemon thread advances it every millisecond, so a deadline is seen at most about
 * a millisecond late.
 */
final class CoarseClock {

    private static final long TICK_NANOS = 1_000_000;
    private static volatile long now = System.nanoTime();

    static {
        Thread ticker = new Thread(() -> {
            while (true) {
                now = System.nanoTime();
                LockSupport.parkNanos(TICK_NANOS);
            }
        }, "jworkers-clock");
        ticker.setDaemon(true);
        // This class is first used inside a worker's call, where the context class loader is the
        // worker's: a thread inherits it, and this one lives forever, so it would pin that loader.
        ticker.setContextClassLoader(CoarseClock.class.getClassLoader());
        ticker.start();
    }

    private CoarseClock() {
    }

    /**
     * The time, as {@code System.nanoTime()} was at the last tick.
     *
     * @return nanoseconds on the {@code System.nanoTime()} scale
     */
    static long nanoTime() {
        return now;
    }
}
