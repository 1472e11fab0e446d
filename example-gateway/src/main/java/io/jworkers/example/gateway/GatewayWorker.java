package io.jworkers.example.gateway;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/**
 * The public gateway of the example, as in Cloudflare's service-bindings guide: it asks the
 * private auth worker whether the request may pass and, if so, hands it to the private
 * application worker. Both calls are in-process; neither worker is reachable from the network.
 */
public final class GatewayWorker extends WorkerEntrypoint {

    @Override
    public Response fetch(Request request, Env env) {
        // Auth reads the request too, so it gets a clone: a body can be read only once.
        Response auth = env.service("AUTH").fetch(request.clone());
        if (auth.status() != 200) {
            // e.g. 403 "x-custom-token does not match, request not allowed"
            return auth;
        }
        if (request.method().equals("GET") && request.path().equals("/admin/stats")) {
            AdminApi.Stats stats = env.service("APPLICATION_ADMIN", AdminApi.class).stats();
            return Response.json(200, "{\"notes\":" + stats.notes() + ",\"created\":" + stats.created()
                    + ",\"since\":\"" + stats.since() + "\",\"boundWith\":" + stats.boundWith() + "}");
        }
        return env.service("APPLICATION").fetch(request);
    }
}
