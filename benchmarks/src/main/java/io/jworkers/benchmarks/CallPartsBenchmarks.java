package io.jworkers.benchmarks;

import io.jworkers.api.ExecutionContext;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.CallScope;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.worker.LoadedWorker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostics, not targets: the steps every binding call takes, one at a time, to tell where a
 * binding call's time goes ({@code ./run-calls.sh CallParts}). The steps are the runtime's own
 * public methods, called as the RPC path calls them, inside the caller worker's request frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CallPartsBenchmarks {

    private CallFrame frame;
    private CallScope scope;
    private LoadedWorker target;
    private Pipeline pipeline;
    private ClassLoader otherLoader;

    /** Loads the workers and opens a request of the caller worker. */
    @Setup(Level.Trial)
    public void openRequest() {
        BenchHost host = BenchHost.get();
        frame = host.newRequestFrame();
        target = host.calc;
        otherLoader = host.calc.loader();
        pipeline = new Pipeline("parts", Integer.MAX_VALUE, Duration.ofDays(1));
    }

    /** Makes the caller's request frame current on the benchmark thread. */
    @Setup(Level.Iteration)
    public void enterCaller() {
        scope = WorkerCall.open(frame);
    }

    /** Leaves the frame. */
    @TearDown(Level.Iteration)
    public void leaveCaller() {
        WorkerCall.close(scope);
    }

    /** Closes the host. */
    @TearDown(Level.Trial)
    public void closeHost() {
        BenchHost.shutdown();
    }

    /** {@code System.nanoTime()}: what {@code Pipeline.checkDeadline} reads on every binding call. */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** {@code Pipeline.beginSubrequest()}: the deadline check plus the atomic subrequest count. */
    @Benchmark
    public Pipeline beginSubrequest() {
        pipeline.beginSubrequest();
        return pipeline;
    }

    /** The current frame: one thread-local read ({@code CallFrame.current()}). */
    @Benchmark
    public CallFrame currentFrame() {
        return CallFrame.current();
    }

    /** {@code HostBridge.enter} + {@code restore}: the thread-local writes of a call's scope. */
    @Benchmark
    public ExecutionContext bridgeEnterRestore() {
        ExecutionContext previous = HostBridge.enter(frame);
        HostBridge.restore(previous);
        return previous;
    }

    /** Swapping the context class loader there and back, as every call does. */
    @Benchmark
    public ClassLoader contextLoaderSwap() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(otherLoader);
        thread.setContextClassLoader(previous);
        return previous;
    }

    /**
     * Everything a typed RPC call does around the target method: {@code enterFrame} (depth and
     * subrequest checks, a new frame) then {@code open} and {@code close} (frame, visit, context
     * loader), as {@code RpcScopes.enter/exit} run them.
     */
    @Benchmark
    public CallScope enterOpenClose() {
        CallScope inner = WorkerCall.open(WorkerCall.enterFrame(CallFrame.current(), target, CallFrame.NO_PROPS));
        WorkerCall.close(inner);
        return inner;
    }
}
