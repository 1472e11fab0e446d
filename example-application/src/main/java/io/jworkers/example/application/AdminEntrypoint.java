package io.jworkers.example.application;

import io.jworkers.api.Entrypoint;
import io.jworkers.api.WorkerEntrypoint;
import java.time.Instant;

/**
 * The application's named entrypoint "Admin": statistics over RPC, for trusted callers only.
 * A binding reaches it with {@code "entrypoint": "Admin"}; the binding's props say who calls.
 */
@Entrypoint("Admin")
public final class AdminEntrypoint extends WorkerEntrypoint {

    /** What the application reports about itself. */
    public record Stats(int notes, long created, Instant since, String boundWith) {
    }

    /**
     * The notes kept now, the notes ever created, when this version started, and the props of
     * the binding that called.
     *
     * @return the statistics
     */
    public Stats stats() {
        NoteStore store = NoteStore.INSTANCE;
        return new Stats(store.size(), store.created(), store.startedAt(), env().props());
    }
}
