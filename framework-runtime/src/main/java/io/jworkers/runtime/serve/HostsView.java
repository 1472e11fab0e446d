package io.jworkers.runtime.serve;

import java.time.Instant;
import java.util.List;

/**
 * The hosts of a store as {@code GET /v1/hosts} and {@code jworkers hosts} show them.
 *
 * @param revision the store's revision: the newest committed change
 * @param hosts the hosts that recorded themselves
 */
public record HostsView(long revision, List<Host> hosts) {

    /**
     * One host.
     *
     * @param id its id, new at each start
     * @param address its admin API's address
     * @param startedAt when it started
     * @param heartbeatAt when it was last heard of
     * @param appliedRevision the revision whose state it serves
     * @param lag how many revisions it is behind the store
     * @param silentMillis milliseconds since its last heartbeat
     * @param self whether it is the host that answered
     */
    public record Host(String id, String address, Instant startedAt, Instant heartbeatAt, long appliedRevision, long lag,
            long silentMillis, boolean self) {
    }
}
