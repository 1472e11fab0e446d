package io.jworkers.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.Response;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.worker.VersionRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Not a benchmark: calls each benchmark method once (no JMH) so that the build notices when the
 * benchmarks stop working, and checks that each binding call returns what its baseline returns
 * and runs in the caller's request frame.
 */
class CallBenchmarksSmokeTest {

    @Test
    void everyBenchmarkReturnsWhatItsBaselineReturns() throws Throwable {
        CallBenchmarks bench = new CallBenchmarks();
        bench.open(false);
        bench.enterCaller();
        try {
            CallFrame frame = CallFrame.current();
            assertEquals("caller", frame.workerName());
            assertEquals(1, frame.depth());
            assertSame(BenchHost.get().caller.loader(), Thread.currentThread().getContextClassLoader());

            assertEquals(3, bench.add_direct());
            assertEquals(3, bench.add_rpc());
            assertEquals(3, bench.add_dynamic());
            assertEquals(12, bench.record_direct());
            assertEquals(12, bench.record_rpc());
            assertEquals(3, bench.chain8_direct());
            assertEquals(3, bench.chain8_rpc());
            Response direct = bench.fetch_direct();
            Response bound = bench.fetch_binding();
            assertNotSame(direct, bound);
            assertEquals(200, bound.status());
            assertEquals("ok", bound.text());
            assertEquals(direct.text(), "ok");

            // 1 add + 1 dynamic + 1 record + 8 chain hops + 1 fetch, all counted in the caller's pipeline.
            assertEquals(12, frame.pipeline().subrequests());
            assertSame(frame, CallFrame.current());
        } finally {
            bench.leaveCaller();
        }
    }

    @Test
    void everySplitBenchmarkReturnsWhatItsBaselineReturnsAndReachesBothVersions() throws Throwable {
        CallBenchmarks bench = new CallBenchmarks();
        bench.open(true);
        VersionRouting routing = BenchHost.get().calcSplitRouting;
        assertTrue(routing.isSplit());
        assertEquals(2, routing.newer().number());
        assertEquals(1, routing.older().number());
        assertEquals(BenchHost.SPLIT_NEWER_PERCENT, routing.newerPercent());
        // The iterations alternate: a request reaching version 1 (90 %), then one reaching version 2.
        for (int expected : new int[] {1, 2, 1}) {
            bench.enterCaller();
            try {
                CallFrame frame = CallFrame.current();
                assertEquals("caller", frame.workerName());
                assertEquals(expected == 2, frame.pipeline().versionBucket() < BenchHost.SPLIT_NEWER_PERCENT);
                assertEquals(expected, BenchHost.get().calcSplitService.call("version"));

                assertEquals(bench.add_rpc(), bench.add_rpc_split());
                assertEquals(bench.add_dynamic(), bench.add_dynamic_split());
                Response single = bench.fetch_binding();
                Response split = bench.fetch_binding_split();
                assertEquals(200, split.status());
                assertEquals(single.text(), split.text());
                // The access line of the request names the version each call reached.
                assertTrue(frame.pipeline().describeWorkers().contains("calcsplit@" + expected),
                        frame.pipeline().describeWorkers());
                assertFalse(frame.pipeline().describeWorkers().contains("calcsplit@" + (3 - expected)),
                        frame.pipeline().describeWorkers());
            } finally {
                bench.leaveCaller();
            }
        }
    }

    /** The host is one per JVM (the benchmarks' handles are static finals): closed after both tests. */
    @AfterAll
    static void closeHost() {
        new CallBenchmarks().closeHost();
    }
}
