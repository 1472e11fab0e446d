package io.jworkers.runtime.serve;

import io.jworkers.runtime.deploy.HostRecord;
import io.jworkers.runtime.deploy.StateStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a host says about itself: who it is in the store's host list (an id new at each start,
 * its admin address, when it started), the store revision whose state it serves, and whether it
 * should get traffic (it caught up with the store and is not draining).
 */
final class HostStatus {

    private volatile HostRecord self = new HostRecord(UUID.randomUUID().toString(), "", Instant.now(), Instant.now(), 0);
    private volatile long appliedRevision;
    private volatile boolean draining;
    // Whether the host applied the store's state once (or a snapshot of it): not ready before.
    private volatile boolean caughtUp;

    /** Sets the admin address the host list shows. */
    void identify(String address) {
        self = new HostRecord(self.id(), address, self.startedAt(), Instant.now(), appliedRevision);
    }

    /** This host with its applied revision and now as heartbeat. */
    HostRecord self() {
        return new HostRecord(self.id(), self.address(), self.startedAt(), Instant.now(), appliedRevision);
    }

    /**
     * The hosts of the store with the store's revision; a store only this host changes lists this host alone.
     *
     * @throws io.jworkers.runtime.deploy.StoreUnreachableException if a shared store cannot be reached
     */
    HostsView hosts(StateStore store) {
        long revision = store.revision();
        List<HostRecord> records = store.shared() ? store.hosts() : List.of(self());
        Instant now = Instant.now();
        return new HostsView(revision, records.stream().map(record -> new HostsView.Host(record.id(), record.address(),
                record.startedAt(), record.heartbeatAt(), record.appliedRevision(), Math.max(0, revision - record.appliedRevision()),
                java.time.Duration.between(record.heartbeatAt(), now).toMillis(), record.id().equals(self.id()))).toList());
    }

    /** Records that the host serves the state of a revision: it caught up. */
    void applied(long revision) {
        appliedRevision = revision;
        caughtUp = true;
    }

    long appliedRevision() {
        return appliedRevision;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    boolean ready() {
        return caughtUp && !draining;
    }

    String readiness() {
        return draining ? "draining" : caughtUp ? "ready" : "not caught up with the state store";
    }

    void beginDrain() {
        draining = true;
    }
}
