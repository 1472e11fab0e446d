package io.jworkers.runtime.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a tail ends its stream's wait without interrupting the stream's thread: that thread
 * writes the stream's end next, and on a virtual thread an interrupted socket write closes the
 * socket, so the client would see a broken connection instead of the host's shutdown.
 */
@Timeout(30)
class TailSessionTest {

    private static TailSession session(int capacity) {
        return new TailSession(new TailFilter("w", "production", null, null, null), capacity);
    }

    @Test
    void closeWakesAWaitingReaderWhichSeesNoEventAndIsNotInterrupted() throws Exception {
        TailSession session = session(8);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        CompletableFuture<Map<String, Object>> woken = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            started.countDown();
            Map<String, Object> event = session.next(60_000);
            interrupted.complete(Thread.currentThread().isInterrupted());
            woken.complete(event);
        });
        started.await();
        Thread.sleep(50); // into the wait (a close before it is seen by next() itself)

        session.close();

        assertNull(woken.get(10, TimeUnit.SECONDS), "the close ended the 60 s wait with no event");
        assertFalse(interrupted.join());
        assertTrue(session.closed());
        reader.join();
    }

    @Test
    void aCloseWhileTheStreamWritesLeavesItsThreadUninterrupted() throws Exception {
        TailSession session = session(8);
        session.offer(Map.of("n", 1));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        CompletableFuture<Boolean> interruptedAfterClose = new CompletableFuture<>();
        Thread stream = Thread.ofVirtual().start(() -> {
            assertEquals(Map.of("n", 1), session.next(60_000));
            writing.countDown(); // what TailStream does with the event: write it to the socket
            try {
                closed.await();
            } catch (InterruptedException e) {
                interruptedAfterClose.complete(true);
                return;
            }
            interruptedAfterClose.complete(Thread.currentThread().isInterrupted());
        });
        writing.await();

        session.close();
        closed.countDown();

        assertFalse(interruptedAfterClose.get(10, TimeUnit.SECONDS), "the write of the stream's end would fail");
        stream.join();
    }

    @Test
    void aCloseWhenTheQueueIsFullStillEndsTheStreamThoughTheMarkerDidNotFit() {
        TailSession session = session(2);
        session.offer(Map.of("n", 1));
        session.offer(Map.of("n", 2));
        session.offer(Map.of("n", 3)); // dropped: full
        assertEquals(1, session.dropped());

        session.close();

        // The marker did not fit either, but the closed flag ends the stream's loop before it polls again.
        assertTrue(session.closed());
        assertNull(session.next(60_000), "a closed session's next() does not wait");
    }

    @Test
    void anInterruptedReaderGetsNoEventAndKeepsItsFlagSoThatItsStreamEnds() throws Exception {
        TailSession session = session(8);
        CompletableFuture<Boolean> flagAfter = new CompletableFuture<>();
        CompletableFuture<Map<String, Object>> got = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            got.complete(session.next(60_000));
            flagAfter.complete(Thread.currentThread().isInterrupted());
        });
        Thread.sleep(50);

        reader.interrupt();

        assertNull(got.get(10, TimeUnit.SECONDS));
        assertTrue(flagAfter.join(), "the stream's loop sees the interrupt and ends");
        assertFalse(session.closed(), "an interrupt is not a close of the tail");
        reader.join();
    }
}
