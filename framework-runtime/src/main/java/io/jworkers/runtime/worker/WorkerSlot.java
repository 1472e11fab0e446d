package io.jworkers.runtime.worker;

/**
 * The place of one worker name in a host: the version that new calls reach right now, or none.
 * Bindings hold the slot, never a version, so replacing the version (a redeploy, a reload) is
 * one volatile write and no caller keeps an old loader alive.
 */
public final class WorkerSlot {

    private final String name;
    private volatile LoadedWorker current;

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
        return previous;
    }
}
