package io.jworkers.runtime.worker;

import io.jworkers.runtime.pipeline.Pipeline;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The place of one worker name in a host: the versions that new calls reach right now (one, two
 * sharing the traffic, or none). Bindings hold the slot, never a version, so replacing the
 * versions (a redeploy, a reload, a new split) is one volatile write and no caller keeps an old
 * loader alive.
 */
public final class WorkerSlot {

    private final String name;
    private volatile VersionRouting routing = VersionRouting.NONE;
    // Bindings and RPC stubs relink when the versions change; held weakly so a dead caller's stubs can go.
    private final List<WeakReference<Consumer<VersionRouting>>> listeners = new CopyOnWriteArrayList<>();

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
     * The version most new calls reach: the only one, or the larger share of a split.
     *
     * @return the version, or {@code null} when the worker is not loaded
     */
    public LoadedWorker current() {
        return routing.primary();
    }

    /**
     * The version a call of a pipeline reaches.
     *
     * @param pipeline the calling pipeline, or {@code null} outside any request
     * @return the version, or {@code null} when the worker is not loaded
     */
    public LoadedWorker select(Pipeline pipeline) {
        return routing.choose(pipeline);
    }

    /**
     * The versions new calls reach, and how.
     *
     * @return the routing
     */
    public VersionRouting routing() {
        return routing;
    }

    /**
     * Makes new calls reach the versions of {@code next}.
     *
     * @param next the versions and their shares
     * @return the versions no call reaches any more (to drain and close)
     */
    public List<LoadedWorker> route(VersionRouting next) {
        VersionRouting previous = routing;
        routing = next;
        for (WeakReference<Consumer<VersionRouting>> reference : listeners) {
            Consumer<VersionRouting> listener = reference.get();
            if (listener == null) {
                listeners.remove(reference);
            } else {
                listener.accept(next);
            }
        }
        List<LoadedWorker> gone = new ArrayList<>(2);
        for (LoadedWorker worker : previous.versions()) {
            if (!next.contains(worker)) {
                gone.add(worker);
            }
        }
        return gone;
    }

    /**
     * Tells a listener about every later change of versions. The slot holds it weakly: the caller
     * keeps it alive for as long as it wants to hear.
     *
     * @param listener called with the new routing
     */
    public void addListener(Consumer<VersionRouting> listener) {
        listeners.removeIf(reference -> reference.get() == null);
        listeners.add(new WeakReference<>(listener));
    }
}
