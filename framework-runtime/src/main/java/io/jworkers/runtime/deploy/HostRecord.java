package io.jworkers.runtime.deploy;

import java.time.Instant;

/**
 * A host of a cluster as the store knows it: what it applied and when it was last heard of.
 *
 * @param id the host's id, new at each start
 * @param address where its admin API listens, for people to reach it
 * @param startedAt when it started
 * @param heartbeatAt when it last said it is alive
 * @param appliedRevision the store revision whose state it serves
 */
public record HostRecord(String id, String address, Instant startedAt, Instant heartbeatAt, long appliedRevision) {
}
