package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.HostRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosts of a cluster in {@code jw_hosts}: each records its heartbeat and applied revision;
 * hosts not heard of for a day are forgotten, so the list shows the hosts of now, not every pod
 * that ever ran.
 */
final class HostRegistry {

    private HostRegistry() {
    }

    static void record(Connection connection, HostRecord host) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("insert into jw_hosts (host_id, address, started_at,"
                + " heartbeat_at, applied_revision) values (?, ?, ?, ?, ?) on conflict (host_id) do update set address ="
                + " excluded.address, heartbeat_at = excluded.heartbeat_at, applied_revision = excluded.applied_revision")) {
            upsert.setString(1, host.id());
            upsert.setString(2, host.address());
            upsert.setTimestamp(3, Timestamp.from(host.startedAt()));
            upsert.setTimestamp(4, Timestamp.from(host.heartbeatAt()));
            upsert.setLong(5, host.appliedRevision());
            upsert.executeUpdate();
        }
        try (PreparedStatement forget = connection.prepareStatement(
                "delete from jw_hosts where heartbeat_at < now() - interval '1 day'")) {
            forget.executeUpdate();
        }
    }

    static List<HostRecord> list(Connection connection) throws SQLException {
        List<HostRecord> hosts = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("select host_id, address, started_at, heartbeat_at,"
                + " applied_revision from jw_hosts order by address, host_id");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                hosts.add(new HostRecord(rows.getString(1), rows.getString(2), rows.getTimestamp(3).toInstant(),
                        rows.getTimestamp(4).toInstant(), rows.getLong(5)));
            }
        }
        return hosts;
    }
}
