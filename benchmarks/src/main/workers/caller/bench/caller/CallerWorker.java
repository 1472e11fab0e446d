package bench.caller;

import io.jworkers.api.Env;
import io.jworkers.api.ExecutionContext;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/**
 * The calling worker of the benchmarks. Its bindings (CALC, CHAIN) are what the benchmarks call;
 * its {@code fetch} hands the harness the frame of a top-level request, so that the benchmark
 * thread can run "inside a request of this worker", exactly like this worker's own code.
 */
public final class CallerWorker extends WorkerEntrypoint {

    /** The context of the last top-level request this worker served (a runtime CallFrame). */
    public static volatile ExecutionContext captured;

    @Override
    public Response fetch(Request request, Env env) {
        captured = ctx();
        return Response.empty(204);
    }
}
