package io.jworkers.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The workers a pipeline passed through, looked up on every hop without a lock. */
class VisitsTest {

    @Test
    void aNameEqualButNotTheSameInstanceIsTheSameVisitAndTheFirstLabelStays() {
        Visits visits = new Visits();
        String auth = "auth";
        assertEquals(0, visits.visit("gateway", "gateway"));
        assertEquals(1, visits.visit(auth, "auth@2"));
        assertEquals(1, visits.visit(new String("auth"), "auth@3"));
        assertEquals(1, visits.visit(auth, "auth"));
        visits.addTime(1, 150_000, true);
        assertEquals(List.of("gateway", "auth"), visits.names());
        assertEquals("gateway>auth@2:0.2ms", visits.describe(new StringBuilder()).toString());
    }

    @Test
    void manyWorkersGrowTheTablesInTheOrderOfTheirFirstVisit() {
        Visits visits = new Visits();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = "w" + i;
            names.add(name);
            assertEquals(i, visits.visit(name, name));
            visits.addTime(i, i * 1_000_000L, i % 2 == 0);
        }
        for (int i = 0; i < 40; i++) {
            assertEquals(i, visits.visit(names.get(i), "other"), "found again after the tables grew");
        }
        assertEquals(names, visits.names());
        String described = visits.describe(new StringBuilder()).toString();
        assertEquals("w0:0.0ms>w1:1.0ms>w2:2.0ms", described.substring(0, "w0:0.0ms>w1:1.0ms>w2:2.0ms".length()));
        assertEquals(true, described.endsWith(">w39:39.0ms"), described);
    }

    @Test
    void threadsVisitingAndTimingAtOnceLoseNothing() throws Exception {
        Visits visits = new Visits();
        int threads = 8;
        int workers = 24;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int round = 0; round < 200; round++) {
                    for (int w = 0; w < workers; w++) {
                        // A new String each time: found by equals under the lock, never added twice.
                        int visit = visits.visit(new String("w" + w), "w" + w);
                        visits.addTime(visit, 100_000, false);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread thread : running) {
            thread.join();
        }
        List<String> names = visits.names();
        assertEquals(workers, names.size(), names.toString());
        assertEquals(workers, names.stream().distinct().count());
        // 8 threads x 200 rounds x 0.1 ms = 160.0 ms in every worker.
        for (String part : visits.describe(new StringBuilder()).toString().split(">")) {
            assertEquals(":160.0ms", part.substring(part.indexOf(':')), part);
        }
    }

    @Test
    void noVisitIsADash() {
        assertEquals("x -", new Visits().describe(new StringBuilder("x ")).toString());
        assertEquals(List.of(), new Visits().names());
    }
}
