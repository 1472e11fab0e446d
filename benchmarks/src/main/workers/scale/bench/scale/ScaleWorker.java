package bench.scale;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/**
 * A trivial worker for the scale benchmark: generated N times (each with its own classes folder
 * and config, so its own loader), worker i binding NEXT to worker i+1. {@code GET /next} asks
 * the next worker once (one hop, so that every binding is used); anything else answers its name.
 */
public final class ScaleWorker extends WorkerEntrypoint {

    @Override
    public Response fetch(Request request, Env env) {
        String name = env.var("NAME");
        if (request.path().equals("/next") && env.optionalService("NEXT").isPresent()) {
            Response next = env.service("NEXT").fetch(Request.get("http://next/"));
            return Response.text(200, name + " -> " + next.text());
        }
        return Response.text(200, name);
    }
}
