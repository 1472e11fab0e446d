package io.jworkers.example.application;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The notes of one loaded version of the application worker, shared by its two entrypoints.
 * A static singleton is per version here: each version has its own class loader.
 */
final class NoteStore {

    static final NoteStore INSTANCE = new NoteStore();

    private final Map<Long, Note> notes = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Instant startedAt = Instant.now();

    private NoteStore() {
    }

    Note add(String text) {
        Note note = new Note(nextId.getAndIncrement(), text, Instant.now());
        notes.put(note.id(), note);
        return note;
    }

    Note get(long id) {
        return notes.get(id);
    }

    boolean remove(long id) {
        return notes.remove(id) != null;
    }

    Collection<Note> all() {
        return notes.values();
    }

    int size() {
        return notes.size();
    }

    long created() {
        return nextId.get() - 1;
    }

    Instant startedAt() {
        return startedAt;
    }

    record Note(long id, String text, Instant createdAt) {
        String toJson() {
            return Json.object("id", id, "text", text, "createdAt", createdAt.toString());
        }
    }
}
