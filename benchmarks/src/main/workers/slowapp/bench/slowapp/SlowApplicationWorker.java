package bench.slowapp;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/** Stands in for an application that waits on I/O: it sleeps DELAY_MS, then answers. */
public final class SlowApplicationWorker extends WorkerEntrypoint {

    @Override
    public Response fetch(Request request, Env env) {
        long millis = Long.parseLong(env.var("DELAY_MS"));
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Response.text(503, "interrupted");
            }
        }
        return Response.json(200, "{\"ok\":true,\"waited_ms\":" + millis + "}");
    }
}
