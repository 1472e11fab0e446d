package io.jworkers.runtime.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock read with one volatile load, for the check that runs on every typed RPC call (the
 * deadline): {@code System.nanoTime()} costs tens of nanoseconds on virtual machines, more than the
 * call it would guard. ({@code fetch} calls, which cost far more, read it only while it ticks and
 * {@code System.nanoTime()} otherwise ({@link #nanoTimeIfTicking}): under HTTP traffic alone the
 * ticker then sleeps; its thousand wakes a second were 0.4 µs of every request's CPU in a profile on
 * 2 cores.) A daemon thread advances it every millisecond, so a deadline is seen at most about
 * a millisecond late.
 *
 * <p>The ticker sleeps after a second of ticking and the next read wakes it: an idle host would
 * otherwise wake a thread a thousand times a second forever (2 % of a CPU on a small machine). A
 * read while it sleeps takes the time from {@code System.nanoTime()} itself, so no reader ever
 * sees a clock older than one tick; under steady calls the cost is one such read a second.
 */
final class CoarseClock {

    private static final long TICK_NANOS = 1_000_000;
    // Ticks between sleeps: a second.
    private static final int TICKS_AWAKE = 1_000;
    private static volatile long now = System.nanoTime();
    private static final AtomicBoolean SLEEPING = new AtomicBoolean();
    private static final Thread TICKER = new Thread(CoarseClock::tick, "jworkers-clock");

    static {
        TICKER.setDaemon(true);
        // This class is first used inside a worker's call, where the context class loader is the
        // worker's: a thread inherits it, and this one lives forever, so it would pin that loader.
        TICKER.setContextClassLoader(CoarseClock.class.getClassLoader());
        TICKER.start();
    }

    private CoarseClock() {
    }

    /**
     * The time, as {@code System.nanoTime()} was at the last tick (or now, if the ticker slept).
     *
     * @return nanoseconds on the {@code System.nanoTime()} scale
     */
    static long nanoTime() {
        return SLEEPING.get() ? wake() : now;
    }

    /**
     * The time as {@link #nanoTime()} gives it while the ticker is awake; while it sleeps, the
     * exact time, without waking it. For checks that cost little next to their call ({@code
     * fetch}): they take the cheap read when typed RPC traffic keeps the ticker awake, and never keep
     * it awake themselves.
     *
     * @return nanoseconds on the {@code System.nanoTime()} scale
     */
    static long nanoTimeIfTicking() {
        return SLEEPING.get() ? System.nanoTime() : now;
    }

    /**
     * Whether the ticker is asleep, for tests.
     *
     * @return true between a sleep and the next read
     */
    static boolean asleep() {
        return SLEEPING.get();
    }

    // The time is written before the flag is cleared, so a reader that then finds it clear reads a
    // fresh time, not the tick from before the sleep; of several readers, the one that clears it
    // wakes the ticker.
    private static long wake() {
        long time = System.nanoTime();
        if (SLEEPING.get()) {
            now = time;
            if (SLEEPING.compareAndSet(true, false)) {
                LockSupport.unpark(TICKER);
            }
        }
        return time;
    }

    private static void tick() {
        while (true) {
            for (int i = 0; i < TICKS_AWAKE; i++) {
                now = System.nanoTime();
                LockSupport.parkNanos(TICK_NANOS);
            }
            SLEEPING.set(true);
            // A read between these lines finds the flag set, takes the time itself and clears it.
            while (SLEEPING.get()) {
                LockSupport.park();
            }
        }
    }
}
