package io.jworkers.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.DeadlineExceededException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deadline clock sleeps when nobody reads it (an idle host wakes no thread a thousand times a
 * second) and is never stale for a reader: a read while it sleeps is the real time and wakes it.
 * Only typed RPC calls wake it: {@code fetch} calls check their deadline on the exact time while it sleeps.
 */
class CoarseClockTest {

    @Test
    void anUnreadClockFallsAsleepAndTheNextReadIsTheRealTimeAndWakesIt() throws InterruptedException {
        awaitAsleep();
        assertEquals(Thread.State.WAITING, ticker().getState(), "parked without a timeout");
        // Long enough that a clock that kept its last tick would be visibly stale.
        Thread.sleep(300);

        long before = System.nanoTime();
        long read = CoarseClock.nanoTime();
        long after = System.nanoTime();

        assertTrue(read >= before - TimeUnit.MILLISECONDS.toNanos(5) && read <= after,
                "the real time, not the tick before the sleep: " + (before - read) / 1_000_000 + " ms behind");
        assertFalse(CoarseClock.asleep());
        Thread.sleep(20);
        assertTrue(CoarseClock.nanoTime() - read >= TimeUnit.MILLISECONDS.toNanos(10), "ticking again");
    }

    @Test
    void fetchCallsCheckTheirDeadlineWithoutWakingTheTickerAndOnTheExactTimeWhileItSleeps() throws InterruptedException {
        awaitAsleep();
        Pipeline pipeline = new Pipeline("req-1", 100_000, Duration.ofSeconds(30));
        for (int i = 0; i < 1_000; i++) {
            pipeline.beginSubrequest(true);
        }
        assertTrue(CoarseClock.asleep(), "fetch calls do not wake the ticker");
        assertEquals(Thread.State.WAITING, ticker().getState());

        pipeline.beginSubrequest(false);
        assertFalse(CoarseClock.asleep(), "a typed RPC call reads the coarse clock, which wakes it");

        // While it sleeps, a fetch call's check is on the exact time: a deadline 1 ms away has passed
        // 5 ms later, though the ticker's last tick is a second old.
        awaitAsleep();
        Pipeline shortLived = new Pipeline("req-2", 10, Duration.ofMillis(1));
        Thread.sleep(5);
        DeadlineExceededException late = assertThrows(DeadlineExceededException.class, () -> shortLived.beginSubrequest(true));
        assertTrue(late.getMessage().startsWith("Request req-2 ran past its deadline of 1 ms"), late.getMessage());
        assertTrue(CoarseClock.asleep(), "and it still sleeps");
    }

    private static void awaitAsleep() throws InterruptedException {
        CoarseClock.nanoTime();
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The flag is set just before the ticker parks: wait for both.
        while (!(CoarseClock.asleep() && ticker().getState() == Thread.State.WAITING) && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        assertTrue(CoarseClock.asleep(), "asleep about a second after the last read");
    }

    private static Thread ticker() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("jworkers-clock"))
                .findFirst().orElseThrow();
    }
}
