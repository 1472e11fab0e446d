package bench.vfront;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/**
 * The public worker of run-versions.sh: one fetch through its binding BACK, then a small answer
 * naming the versions the request reached ({@code front@1 back@1}), so that the script can check
 * which version of each worker a version key reaches.
 */
public final class FrontWorker extends WorkerEntrypoint {

    @Override
    public Response fetch(Request request, Env env) {
        Response back = env.service("BACK").fetch(request);
        return Response.text(back.status(), "front@" + env.version().number() + " " + back.text());
    }
}
