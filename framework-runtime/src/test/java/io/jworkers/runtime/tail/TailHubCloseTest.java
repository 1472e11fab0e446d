package io.jworkers.runtime.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A closing host ends its tails before it stops the listener their streams run on: {@link
 * TailHub#close()} returns once every stream has written its end, so a client sees the shutdown
 * rather than a broken connection (the order {@code jworkers serve} stops in).
 */
class TailHubCloseTest {

    @Test
    void closeReturnsOnlyOnceEveryStreamHasEnded() throws InterruptedException {
        TailHub hub = new TailHub();
        TailSession session = hub.open(new TailFilter("w", "production", null, null, null));
        CountDownLatch reading = new CountDownLatch(1);
        AtomicBoolean endWritten = new AtomicBoolean();
        Thread stream = Thread.ofVirtual().start(() -> {
            reading.countDown();
            while (!session.closed()) {
                session.next(60_000);
            }
            // What TailStream does on its way out: write the end (slow here), then leave the hub.
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            endWritten.set(true);
            hub.close(session);
        });
        reading.await();

        hub.close();

        assertTrue(endWritten.get(), "close() waited for the stream's end");
        assertEquals(0, hub.listening());
        stream.join();
    }

    @Test
    void aTailOpenedAfterTheCloseIsClosedAtOnceAndCloseWaitsForNothing() {
        TailHub hub = new TailHub();
        hub.close();
        TailSession late = hub.open(new TailFilter("w", "production", null, null, null));
        assertTrue(late.closed());
        assertNull(late.next(60_000));
        assertEquals(0, hub.listening());
        hub.close();
    }
}
