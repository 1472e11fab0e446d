package bench.inline;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP benchmark (b): the work of the example gateway, auth and application workers done inline in
 * one worker, with no binding call. The same steps as the examples: the constant-time check of
 * {@code x-custom-token} against the secret SECRET_TOKEN (403 with the auth worker's text when it
 * does not match), then the application's {@code GET /notes} on its (empty) concurrent note map,
 * sorted by id, written as {@code {"notes":[...]}}.
 */
public final class InlineWorker extends WorkerEntrypoint {

    private final Map<Long, String> notes = new ConcurrentHashMap<>();

    @Override
    public Response fetch(Request request, Env env) {
        String token = request.headers().get("x-custom-token");
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                env.secret("SECRET_TOKEN").getBytes(StandardCharsets.UTF_8))) {
            return Response.text(403, "x-custom-token does not match, request not allowed");
        }
        if (request.path().equals("/notes") && request.method().equals("GET")) {
            StringBuilder array = new StringBuilder("[");
            notes.entrySet().stream().sorted(Comparator.comparingLong(Map.Entry::getKey)).forEach(note -> {
                if (array.length() > 1) {
                    array.append(',');
                }
                array.append(note.getValue());
            });
            return Response.json(200, "{\"notes\":" + array.append(']') + "}");
        }
        return Response.json(404, "{\"error\":\"no route " + request.method() + " " + request.path() + "\"}");
    }
}
