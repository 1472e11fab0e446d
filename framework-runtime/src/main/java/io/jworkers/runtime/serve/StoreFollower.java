package io.jworkers.runtime.serve;

import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps a host of a shared store converged: it waits for the store's change notifications (or
 * polls, should one be lost), applies the new state with {@link ServeHost#sync()} and records the
 * host's heartbeat and applied revision. While the store is unreachable the host serves what it
 * applied; the follower retries with a growing pause (1 s doubling to 30 s) and catches up once
 * the store is back. One line when the store goes away, one when it is back.
 */
public final class StoreFollower implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.store");
    /** The longest wait without a notification before the store is asked anyway. */
    public static final Duration POLL = Duration.ofSeconds(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final ServeHost serve;
    private final StateStore store;
    private final Thread thread;
    private volatile boolean closed;

    private StoreFollower(ServeHost serve, StateStore store) {
        this.serve = serve;
        this.store = store;
        this.thread = Thread.ofPlatform().daemon().name("jworkers-store-follower").unstarted(this::run);
    }

    /**
     * Starts following a shared store; for a store only this host changes, nothing runs.
     *
     * @param serve the host
     * @param store its store
     * @return the follower, to close at shutdown
     */
    public static StoreFollower start(ServeHost serve, StateStore store) {
        StoreFollower follower = new StoreFollower(serve, store);
        if (store.shared()) {
            follower.thread.start();
        }
        return follower;
    }

    private void run() {
        Duration retry = FIRST_RETRY;
        boolean down = false;
        Instant lastHeartbeat = Instant.EPOCH;
        while (!closed) {
            try {
                if (down || Duration.between(lastHeartbeat, Instant.now()).compareTo(HEARTBEAT) >= 0) {
                    store.recordHost(serve.self());
                    lastHeartbeat = Instant.now();
                }
                if (!serve.caughtUp() || store.revision() != serve.appliedRevision()) {
                    long applied = serve.sync();
                    store.recordHost(serve.self());
                    lastHeartbeat = Instant.now();
                    LOG.log(Level.DEBUG, "applied store revision " + applied);
                }
                if (down) {
                    down = false;
                    LOG.log(Level.INFO, "the state store is reachable again; this host serves revision " + serve.appliedRevision());
                }
                retry = FIRST_RETRY;
                store.awaitChange(POLL);
            } catch (StoreUnreachableException e) {
                if (!down) {
                    down = true;
                    LOG.log(Level.WARNING, e.getMessage() + "; this host keeps serving revision " + serve.appliedRevision()
                            + " and retries");
                }
                if (!pause(retry)) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "following the state store failed: " + e + "; retrying");
                if (!pause(FIRST_RETRY)) {
                    return;
                }
            }
        }
    }

    private boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
