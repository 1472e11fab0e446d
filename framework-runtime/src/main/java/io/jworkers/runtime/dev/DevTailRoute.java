package io.jworkers.runtime.dev;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jworkers.runtime.config.NameRules;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.json.JsonTrees;
import io.jworkers.runtime.tail.TailFilter;
import io.jworkers.runtime.tail.TailHub;
import io.jworkers.runtime.tail.TailStream;
import io.jworkers.runtime.tail.TooManyTailsException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /v1/workers/{name}/tail} on dev's admin listener: the same server-sent events and
 * filters ({@code env}, {@code status}, {@code method}, {@code search}) as serve's admin API, so that
 * {@code jworkers tail NAME --host http://127.0.0.1:8788} works against dev; no token, as for the
 * rest of that loopback-only listener. Errors are the admin API's {@code {"error": "..."}}.
 */
final class DevTailRoute {

    private final TailHub tails;
    private final Set<String> workers;

    /**
     * @param tails the host's tails
     * @param workers the names of the workers dev runs
     */
    DevTailRoute(TailHub tails, Set<String> workers) {
        this.tails = tails;
        this.workers = workers;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/v1/workers/{name}/tail", this::tail);
    }

    private void tail(ServerRequest request, ServerResponse response) {
        String worker = request.path().pathParameters().get("name");
        String environment = request.query().first("env").orElse(WorkerHost.PRODUCTION);
        if (!NameRules.WORKER_NAME.matcher(worker).matches()) {
            error(response, 400, "Invalid worker name: " + NameRules.WORKER_NAME_RULE);
            return;
        }
        if (!workers.contains(worker)) {
            error(response, 404, "Worker \"" + worker + "\" is not one jworkers dev runs; it runs " + String.join(", ",
                    new TreeSet<>(workers)));
            return;
        }
        if (!environment.equals(WorkerHost.PRODUCTION)) {
            error(response, 404, "jworkers dev runs its workers in production only (its --env picks the configs' env"
                    + " blocks); tail without --env");
            return;
        }
        TailFilter filter;
        try {
            filter = new TailFilter(worker, environment, request.query().first("status").orElse(null),
                    request.query().first("method").orElse(null), request.query().first("search").orElse(null));
        } catch (IllegalArgumentException e) {
            error(response, 400, "Invalid tail filter: " + e.getMessage());
            return;
        }
        try {
            TailStream.serve(tails, filter, response);
        } catch (TooManyTailsException e) {
            error(response, 429, e.getMessage());
        }
    }

    private static void error(ServerResponse response, int status, String message) {
        response.status(status);
        response.header("content-type", "application/json");
        response.send(JsonTrees.write(JsonNodeFactory.instance.objectNode().put("error", message))
                .getBytes(StandardCharsets.UTF_8));
    }
}
