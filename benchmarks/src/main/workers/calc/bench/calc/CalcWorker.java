package bench.calc;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/** The RPC and fetch target of the benchmarks. */
public final class CalcWorker extends WorkerEntrypoint {

    public int add(int a, int b) {
        return a + b;
    }

    public int sum(Point3 point) {
        return point.x() + point.y() + point.z();
    }

    /** Which version this is: how the smoke test sees which version of a split a call reached. */
    public int version() {
        return env().version().number();
    }

    /** A small response, built on every call (the same work whether called directly or through a binding). */
    @Override
    public Response fetch(Request request, Env env) {
        return Response.text(200, "ok");
    }
}
