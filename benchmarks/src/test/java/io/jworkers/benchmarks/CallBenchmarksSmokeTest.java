package io.jworkers.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jworkers.api.Response;
import io.jworkers.runtime.pipeline.CallFrame;
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
        bench.openRequest();
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
            bench.closeHost();
        }
    }
}
