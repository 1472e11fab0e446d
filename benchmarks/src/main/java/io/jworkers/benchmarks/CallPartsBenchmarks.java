package io.jworkers.benchmarks;

import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.pipeline.BindingOwner;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Callee;
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
    private Callee callee;
    private BindingOwner owner;

    /** Loads the workers and opens a request of the caller worker. */
    @Setup(Level.Trial)
    public void openRequest() {
        BenchHost host = BenchHost.get();
        frame = host.newRequestFrame(false);
        target = host.calc;
        otherLoader = host.calc.loader();
        pipeline = new Pipeline("parts", Integer.MAX_VALUE, Duration.ofDays(1));
        callee = new Callee(target.name(), target.loader(), target.threads(), CallFrame.NO_PROPS);
        owner = new BindingOwner("caller", Integer.MAX_VALUE, Duration.ofDays(1), null);
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

    /** {@code System.nanoTime()}: what a {@code fetch} hop reads twice, for the access log's per-worker times. */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** {@code Pipeline.beginSubrequest(false)}, a typed RPC call's: the deadline check on the coarse clock plus the subrequest count (plain: the pipeline runs on the thread that opened it). */
    @Benchmark
    public Pipeline beginSubrequest() {
        pipeline.beginSubrequest(false);
        return pipeline;
    }

    /** {@code Pipeline.beginSubrequest(true)}, a {@code fetch} call's: the deadline check without waking the coarse clock ({@code System.nanoTime()} while it sleeps, as here once its first second has passed). */
    @Benchmark
    public Pipeline beginFetchSubrequest() {
        pipeline.beginSubrequest(true);
        return pipeline;
    }

    /** The current frame: one thread-local read ({@code CallFrame.current()}). */
    @Benchmark
    public CallFrame currentFrame() {
        return CallFrame.current();
    }

    /** {@code HostBridge.calls()}: the one thread-local read of a binding call (the thread's call stack). */
    @Benchmark
    public HostBridge.ThreadCalls threadCalls() {
        return HostBridge.calls();
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
     * Everything a typed RPC call does around the target method: {@code CallScope.enter} (depth,
     * deadline and subrequest checks, the visit, the callee made current, the context loader) and
     * {@code exit}, as {@code RpcScopes.enter/exit} run them.
     */
    @Benchmark
    public CallScope enterExit() {
        CallScope inner = CallScope.enter(callee, owner);
        inner.exit();
        return inner;
    }
}
