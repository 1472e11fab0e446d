package io.jworkers.runtime.deploy.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows of {@code jw_environments}: one per worker environment that has versions, saying which
 * of them is current and the highest number given so far (the next version takes the one after,
 * a rollback does not lower it). Deleting a row deletes its versions with it.
 */
final class EnvironmentRows {

    /**
     * A worker environment's row.
     *
     * @param current the current version, or {@code null} when none is
     * @param latest the highest version number given
     */
    record Row(Integer current, int latest) {
    }

    private EnvironmentRows() {
    }

    /** The row, read as it is or locked until the transaction ends ({@code forUpdate}). */
    static Optional<Row> find(Connection connection, String worker, String environment, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select current_version, latest_version from"
                + " jw_environments where worker = ? and environment = ?" + (forUpdate ? " for update" : ""))) {
            query.setString(1, worker);
            query.setString(2, environment);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                int current = rows.getInt(1);
                return Optional.of(new Row(rows.wasNull() ? null : current, rows.getInt(2)));
            }
        }
    }

    /** The workers with a row, sorted. */
    static List<String> workers(Connection connection) throws SQLException {
        return strings(connection, "select distinct worker from jw_environments order by worker");
    }

    /** A worker's environments with a row, sorted. */
    static List<String> environments(Connection connection, String worker) throws SQLException {
        return strings(connection, "select environment from jw_environments where worker = ? order by environment", worker);
    }

    /** The row of a first version, before that version is written: none current, none given. */
    static void insertEmpty(Connection connection, String worker, String environment) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into jw_environments (worker,"
                + " environment, current_version, latest_version, revision) values (?, ?, null, 0, 0)")) {
            insert.setString(1, worker);
            insert.setString(2, environment);
            insert.executeUpdate();
        }
    }

    /** The row of a worker environment copied in whole, as it was where it came from. */
    static void insertCopy(Connection connection, String worker, String environment, Integer current, int latest,
            long revision) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into jw_environments (worker, environment,"
                + " current_version, latest_version, revision) values (?, ?, ?, ?, ?)")) {
            insert.setString(1, worker);
            insert.setString(2, environment);
            if (current == null) {
                insert.setNull(3, java.sql.Types.INTEGER);
            } else {
                insert.setInt(3, current);
            }
            insert.setInt(4, latest);
            insert.setLong(5, revision);
            insert.executeUpdate();
        }
    }

    /** Makes a new version current and the latest: the commit of a deploy. */
    static void commitNew(Connection connection, String worker, String environment, int number, long revision)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update jw_environments set current_version = ?,"
                + " latest_version = ?, revision = ? where worker = ? and environment = ?")) {
            update.setInt(1, number);
            update.setInt(2, number);
            update.setLong(3, revision);
            update.setString(4, worker);
            update.setString(5, environment);
            update.executeUpdate();
        }
    }

    /** Makes an existing version current again: the commit of a rollback. */
    static void commitCurrent(Connection connection, String worker, String environment, int number, long revision)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update jw_environments set current_version = ?,"
                + " revision = ? where worker = ? and environment = ?")) {
            update.setInt(1, number);
            update.setLong(2, revision);
            update.setString(3, worker);
            update.setString(4, environment);
            update.executeUpdate();
        }
    }

    /**
     * Deletes the row and, by cascade, its versions.
     *
     * @return whether there was one
     */
    static boolean delete(Connection connection, String worker, String environment) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "delete from jw_environments where worker = ? and environment = ?")) {
            delete.setString(1, worker);
            delete.setString(2, environment);
            return delete.executeUpdate() > 0;
        }
    }

    private static List<String> strings(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }
}
