package io.jworkers.runtime.http;

import io.jworkers.runtime.tail.TailHub;
import io.jworkers.runtime.worker.WorkerSlot;
import java.util.Optional;

/**
 * Decides which worker serves a public request. Only workers it returns are reachable from the
 * network; private workers never are.
 */
@FunctionalInterface
public interface WorkerRouter {

    /**
     * The worker that serves a path.
     *
     * @param path the request's decoded path, e.g. {@code /api/users}
     * @return the worker's slot, or empty when no public worker serves the path (404)
     */
    Optional<WorkerSlot> route(String path);

    /**
     * The worker that serves a path on a host name; by default the host name does not matter.
     *
     * @param host the request's {@code Host} header, possibly with a port, or {@code null} when absent
     * @param path the request's decoded path
     * @return the worker's slot, or empty when no public worker serves it (404)
     */
    default Optional<WorkerSlot> route(String host, String path) {
        return route(path);
    }

    /**
     * The live tails ({@code jworkers tail}) that want this router's requests.
     *
     * @return the hub, or {@code null} when nothing can tail (the default)
     */
    default TailHub tails() {
        return null;
    }

    /**
     * Every request goes to one worker, as {@code jworkers dev} does with its primary worker.
     *
     * @param slot the primary worker's slot
     * @return the router
     */
    static WorkerRouter everythingTo(WorkerSlot slot) {
        Optional<WorkerSlot> result = Optional.of(slot);
        return path -> result;
    }

    /**
     * Every request goes to one worker, and live tails may listen to them ({@code jworkers dev}
     * with its dashboard's live logs and {@code jworkers tail}).
     *
     * @param slot the primary worker's slot
     * @param tails the host's live tails
     * @return the router
     */
    static WorkerRouter everythingTo(WorkerSlot slot, TailHub tails) {
        Optional<WorkerSlot> result = Optional.of(slot);
        return new WorkerRouter() {
            @Override
            public Optional<WorkerSlot> route(String path) {
                return result;
            }

            @Override
            public TailHub tails() {
                return tails;
            }
        };
    }
}
