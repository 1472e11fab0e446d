package bench.vback;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/** The private worker of run-versions.sh (no routes, reached through the front's BACK binding). */
public final class BackWorker extends WorkerEntrypoint {

    @Override
    public Response fetch(Request request, Env env) {
        return Response.text(200, "back@" + env.version().number());
    }
}
