package io.jworkers.example.application;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.example.application.NoteStore.Note;
import java.util.Comparator;

/**
 * The private application worker of the example: a small notes API in JSON. The gateway
 * forwards allowed requests here.
 *
 * <pre>
 * GET    /             about this service (greeting from the GREETING var, request id, depth)
 * GET    /notes        all notes
 * POST   /notes        create a note; the body is its text (at most MAX_NOTE_LENGTH characters)
 * GET    /notes/{id}   one note
 * DELETE /notes/{id}   delete a note
 * </pre>
 *
 * One instance serves all requests concurrently, so the store is a concurrent map. The
 * {@link AdminEntrypoint} ("Admin") serves statistics over RPC to the gateway.
 */
public final class ApplicationWorker extends WorkerEntrypoint {

    private final NoteStore notes = NoteStore.INSTANCE;

    @Override
    public Response fetch(Request request, Env env) {
        String path = request.path();
        String method = request.method();
        if (path.equals("/")) {
            return method.equals("GET") ? about(env) : methodNotAllowed("GET");
        }
        if (path.equals("/notes")) {
            return switch (method) {
                case "GET" -> list();
                case "POST" -> create(request, env);
                default -> methodNotAllowed("GET, POST");
            };
        }
        if (path.startsWith("/notes/")) {
            Long id = parseId(path.substring("/notes/".length()));
            if (id == null) {
                return error(404, "no note " + path.substring("/notes/".length()));
            }
            return switch (method) {
                case "GET" -> show(id);
                case "DELETE" -> delete(id);
                default -> methodNotAllowed("GET, DELETE");
            };
        }
        return error(404, "no route " + method + " " + path);
    }

    private Response about(Env env) {
        return Response.json(200, Json.object(
                "service", "application",
                "greeting", env.var("GREETING"),
                "requestId", ctx().requestId(),
                "depth", ctx().depth(),
                "notes", notes.size()));
    }

    private Response list() {
        StringBuilder array = new StringBuilder("[");
        notes.all().stream().sorted(Comparator.comparingLong(Note::id)).forEach(note -> {
            if (array.length() > 1) {
                array.append(',');
            }
            array.append(note.toJson());
        });
        return Response.json(200, "{\"notes\":" + array.append(']') + "}");
    }

    private Response create(Request request, Env env) {
        String text = request.text().strip();
        int max = Integer.parseInt(env.var("MAX_NOTE_LENGTH"));
        if (text.isEmpty()) {
            return error(400, "a note needs text: send it as the request body");
        }
        if (text.length() > max) {
            return error(400, "a note has at most " + max + " characters, this one has " + text.length());
        }
        Note note = notes.add(text);
        return Response.builder(201)
                .header("content-type", "application/json")
                .header("location", "/notes/" + note.id())
                .body(note.toJson())
                .build();
    }

    private Response show(long id) {
        Note note = notes.get(id);
        return note == null ? error(404, "no note " + id) : Response.json(200, note.toJson());
    }

    private Response delete(long id) {
        return notes.remove(id) ? Response.empty(204) : error(404, "no note " + id);
    }

    private static Long parseId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Response methodNotAllowed(String allowed) {
        return Response.builder(405)
                .header("content-type", "application/json")
                .header("allow", allowed)
                .body(Json.object("error", "method not allowed; use " + allowed))
                .build();
    }

    private static Response error(int status, String message) {
        return Response.json(status, Json.object("error", message));
    }
}
