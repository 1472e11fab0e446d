package io.jworkers.benchmarks;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.CallScope;
import io.jworkers.runtime.pipeline.WorkerCall;
import java.lang.invoke.MethodHandle;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The cost of a call through a service binding, against the same call made directly. The
 * targets (docs/PERFORMANCE.md, Targets): {@code add_rpc} at most 20 ns over {@code add_direct},
 * {@code fetch_binding} at most 100 ns over {@code fetch_direct}, {@code record_rpc} at most
 * 250 ns per call. Each group is named {@code GROUP_direct} (the baseline) and
 * {@code GROUP_<variant>}; {@code run-calls.sh} prints every variant as a ratio and a
 * difference to its group's {@code _direct}.
 *
 * <p>All calls run on the benchmark thread <em>inside a request of the caller worker</em>: the
 * thread's current frame is the caller's top-level frame (as the runtime builds it for a request
 * the caller serves) and its context class loader the caller's loader, so a binding call here
 * takes exactly the path it takes from the caller's own code. The frame is entered before each
 * iteration and left after it, on the benchmark thread.
 *
 * <p>The {@code _split} benchmarks make the same calls through binding CALC_SPLIT, whose target
 * runs two versions of the calc worker sharing the traffic 90/10 (a gradual deployment), so each
 * call first chooses a version from the pipeline's version bucket; their baseline is the
 * single-version benchmark of the same call ({@code add_rpc}, {@code add_dynamic},
 * {@code fetch_binding}). A host serving a split sees pipelines of both versions, so these
 * benchmarks alternate the request they run in per iteration: one whose key reaches version 1,
 * one whose key reaches version 2. Warm-up thus runs both ways, and the JIT compiles both
 * branches of the choice, as in a host under a split (one way only, it would compile the other
 * as an uncommon trap and the choice would look cheaper than it is).
 *
 * <p>Arguments come from non-final fields of the state (no constant folding) and every result is
 * returned (JMH consumes it), so nothing is dead code. The handles are {@code static final}
 * (JIT constants, like a call site in compiled worker code whose receiver is known).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CallBenchmarks {

    /** Constants resolved from the host; initialized at trial setup, never during measurement. */
    static final class H {
        static final BenchHost HOST = BenchHost.get();
        static final MethodHandle ADD_DIRECT = HOST.addDirect;
        static final MethodHandle ADD_RPC = HOST.addRpc;
        static final MethodHandle ADD_RPC_SPLIT = HOST.addRpcSplit;
        static final MethodHandle SUM_DIRECT = HOST.sumDirect;
        static final MethodHandle SUM_RPC = HOST.sumRpc;
        static final MethodHandle CHAIN_DIRECT = HOST.chainDirect;
        static final MethodHandle CHAIN_RPC = HOST.chainRpc;
        static final Service CALC = HOST.calcService;
        static final Service CALC_SPLIT = HOST.calcSplitService;
        static final WorkerEntrypoint CALC_ENTRYPOINT = HOST.calcEntrypoint;
        static final Env CALC_ENV = HOST.calcEnv;
        static final Request REQUEST = HOST.request;

        private H() {
        }
    }

    int a = 1;
    int b = 2;
    int x = 3;
    int y = 4;
    int z = 5;
    /** A {@code bench.caller.Point3} of the caller's loader, built once per trial. */
    Object point;

    /** Requests of the caller: [0] reaches version 1 of calcsplit, [1] version 2. */
    private CallFrame[] frames;
    private boolean alternate;
    private int iterations;
    private CallFrame frame;
    private CallScope scope;

    /**
     * Loads the workers (once per JVM) and opens the requests of the caller worker.
     *
     * @param params which benchmark runs: the {@code _split} ones alternate their request
     */
    @Setup(Level.Trial)
    public void openRequest(BenchmarkParams params) throws Throwable {
        open(params.getBenchmark().endsWith("_split"));
    }

    /**
     * Opens the requests without JMH.
     *
     * @param alternateVersions whether {@link #enterCaller} alternates between a request whose
     *     calls reach version 1 of calcsplit and one whose calls reach version 2 (else always the first)
     */
    void open(boolean alternateVersions) throws Throwable {
        BenchHost.get();
        point = (Object) H.HOST.newPoint.invokeExact(x, y, z);
        frames = new CallFrame[] {H.HOST.newRequestFrame(false), H.HOST.newRequestFrame(true)};
        alternate = alternateVersions;
    }

    /** Makes a request frame of the caller current on the benchmark thread. */
    @Setup(Level.Iteration)
    public void enterCaller() {
        frame = frames[alternate ? iterations++ % 2 : 0];
        scope = WorkerCall.open(frame);
    }

    /** Leaves the frame; fails loudly if the iteration did not run inside it. */
    @TearDown(Level.Iteration)
    public void leaveCaller() {
        if (CallFrame.current() != frame) {
            throw new IllegalStateException("The benchmark thread is not in the caller's frame: " + CallFrame.current());
        }
        WorkerCall.close(scope);
    }

    /** Closes the host: its HTTP listener would keep the forked JVM alive. */
    @TearDown(Level.Trial)
    public void closeHost() {
        BenchHost.shutdown();
    }

    // ---- 1. typed RPC add(int,int) ----------------------------------------------------------

    /**
     * Baseline of the add group: {@code Calc.add} on a plain {@code LocalCalc} of the caller's
     * loader, through the same constant method handle shape as {@link #add_rpc}. Fair because the
     * only difference between the two handles is the receiver (local object vs. RPC stub): the
     * difference is the binding (stub, frame enter/exit, subrequest count, exception guard).
     */
    @Benchmark
    public int add_direct() throws Throwable {
        return (int) H.ADD_DIRECT.invokeExact(a, b);
    }

    /** Typed RPC: {@code Calc.add} on the stub of binding CALC, into the calc worker. */
    @Benchmark
    public int add_rpc() throws Throwable {
        return (int) H.ADD_RPC.invokeExact(a, b);
    }

    /**
     * {@link #add_rpc} into a worker split 90/10 between two versions: the stub's call site tests
     * which version the calling pipeline reaches, then calls that version's link. Baseline:
     * {@link #add_rpc}.
     */
    @Benchmark
    public int add_rpc_split() throws Throwable {
        return (int) H.ADD_RPC_SPLIT.invokeExact(a, b);
    }

    // ---- 2. dynamic RPC ---------------------------------------------------------------------

    /**
     * Dynamic RPC: {@code env.service("CALC").call("add", a, b)}: lookup by name, boxing, an
     * {@code Object[]}, conversion of each argument. Compared with {@link #add_direct}: the work
     * done in the target is the same {@code a + b}.
     */
    @Benchmark
    public Object add_dynamic() {
        return H.CALC.call("add", a, b);
    }

    /** {@link #add_dynamic} into the split worker: the version is chosen per call. Baseline: {@link #add_dynamic}. */
    @Benchmark
    public Object add_dynamic_split() {
        return H.CALC_SPLIT.call("add", a, b);
    }

    // ---- 3. fetch ---------------------------------------------------------------------------

    /**
     * Baseline of the fetch group: the calc worker's entrypoint {@code fetch(request, env)} called
     * directly with its own env. Fair because the target does the same work either way (it builds
     * {@code Response.text(200, "ok")} on each call) and the request is the same immutable object.
     */
    @Benchmark
    public Response fetch_direct() {
        return H.CALC_ENTRYPOINT.fetch(H.REQUEST, H.CALC_ENV);
    }

    /** {@code env.service("CALC").fetch(request)}: the same fetch through the binding. */
    @Benchmark
    public Response fetch_binding() {
        return H.CALC.fetch(H.REQUEST);
    }

    /** {@link #fetch_binding} into the split worker: the version is chosen per call. Baseline: {@link #fetch_binding}. */
    @Benchmark
    public Response fetch_binding_split() {
        return H.CALC_SPLIT.fetch(H.REQUEST);
    }

    // ---- 4. RPC with a record argument --------------------------------------------------------

    /**
     * Baseline of the record group: {@code Calc.sum(Point3)} on the plain {@code LocalCalc}, with
     * the same prebuilt record and the same handle shape as {@link #record_rpc}. Fair because a
     * direct call passes the record by reference; what the binding adds is copying it into the
     * calc worker's own {@code Point3} class (by value) plus the call itself.
     */
    @Benchmark
    public int record_direct() throws Throwable {
        return (int) H.SUM_DIRECT.invokeExact(point);
    }

    /** {@code Calc.sum(Point3)} over RPC: the record is copied into the target's record type. */
    @Benchmark
    public int record_rpc() throws Throwable {
        return (int) H.SUM_RPC.invokeExact(point);
    }

    // ---- 5. a pipeline 8 workers deep ---------------------------------------------------------

    /**
     * Baseline of the chain group: 8 nested direct calls through the {@code Hop} interface, 8
     * distinct classes in the caller's loader, the last returning a + b. Fair because the RPC
     * chain also runs 8 distinct worker classes, each making one interface call to the next; the
     * difference is 8 binding hops (divide by 8 for one hop at depth 2..9).
     */
    @Benchmark
    public int chain8_direct() throws Throwable {
        return (int) H.CHAIN_DIRECT.invokeExact(a, b);
    }

    /** caller -> chain1 -> ... -> chain8 over typed RPC; chain8 returns a + b. */
    @Benchmark
    public int chain8_rpc() throws Throwable {
        return (int) H.CHAIN_RPC.invokeExact(a, b);
    }
}
