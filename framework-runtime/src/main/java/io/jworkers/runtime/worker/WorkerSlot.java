package io.jworkers.runtime.worker;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The place of one worker name in a host: the version that new calls reach right now, or none.
 * Bindings hold the slot, never a version, so replacing the version (a redeploy, a reload) is
 * one volatile write and no caller keeps an old loader alive.
 */
public final class WorkerSlot {

    private final String name;
    private volatile LoadedWorker current;
    // RPC stubs relink when the version changes; held weakly so a dead caller's stubs can go.
    private final List<WeakReference<Consumer<LoadedWorker>>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates an empty slot.
     *
     * @param name the worker name the slot stands for
     */
    public WorkerSlot(String name) {
        this.name = name;
    }

    /**
     * The worker name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The version that new calls reach.
     *
     * @return the version, or {@code null} when the worker is not loaded
     */
    public LoadedWorker current() {
        return current;
    }

    /**
     * Makes {@code worker} the version that new calls reach.
     *
     * @param worker the new version, or {@code null} to disconnect
     * @return the version it replaced, or {@code null}
     */
    public LoadedWorker swap(LoadedWorker worker) {
        LoadedWorker previous = current;
        current = worker;
        for (WeakReference<Consumer<LoadedWorker>> reference : listeners) {
            Consumer<LoadedWorker> listener = reference.get();
            if (listener == null) {
                listeners.remove(reference);
            } else {
                listener.accept(worker);
            }
        }
        return previous;
    }

    /**
     * Tells a listener about every later {@link #swap}. The slot holds it weakly: the caller
     * keeps it alive for as long as it wants to hear.
     *
     * @param listener called with the new version ({@code null} when disconnected)
     */
    public void addListener(Consumer<LoadedWorker> listener) {
        listeners.removeIf(reference -> reference.get() == null);
        listeners.add(new WeakReference<>(listener));
    }
}
