package io.jworkers.runtime.deploy.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The order of the store's changes: changes to one worker environment take turns under its
 * advisory lock, and every committed change bumps the global revision ({@code jw_state}), is
 * recorded in {@code jw_changes} and announced on {@link PostgresStore#CHANNEL}, which is how
 * the other hosts learn there is something to apply.
 */
final class Revisions {

    private Revisions() {
    }

    // One change at a time per worker environment, across every host: held until the transaction ends.
    static void lock(Connection connection, String worker, String environment) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, worker + "/" + environment);
            lock.executeQuery().close();
        }
    }

    /**
     * Bumps the global revision (its row lock orders every commit), records the change and
     * announces it; the notification is delivered when the transaction commits.
     *
     * @param kind {@code deploy} (a new version, or a split deployed), {@code upload}, {@code rollback},
     *     {@code delete} or {@code migrate}
     * @param version the version it made current (a split's primary; an upload's new version), or {@code null}
     * @return the new revision
     */
    static long bump(Connection connection, String worker, String environment, String kind, Integer version)
            throws SQLException {
        long revision;
        try (PreparedStatement update = connection.prepareStatement(
                "update jw_state set revision = revision + 1 where id = 1 returning revision");
                ResultSet rows = update.executeQuery()) {
            rows.next();
            revision = rows.getLong(1);
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into jw_changes (revision, worker, environment, kind, version) values (?, ?, ?, ?, ?)")) {
            insert.setLong(1, revision);
            insert.setString(2, worker);
            insert.setString(3, environment);
            insert.setString(4, kind);
            if (version == null) {
                insert.setNull(5, java.sql.Types.INTEGER);
            } else {
                insert.setInt(5, version);
            }
            insert.executeUpdate();
        }
        try (PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, PostgresStore.CHANNEL);
            notify.setString(2, Long.toString(revision));
            notify.executeQuery().close();
        }
        return revision;
    }

    /** The revision of the last committed change. */
    static long current(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select revision from jw_state where id = 1");
                ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
