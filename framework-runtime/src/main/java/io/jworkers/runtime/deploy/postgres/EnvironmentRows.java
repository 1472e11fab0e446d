package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.TrafficSplit;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows of {@code jw_environments}: one per worker environment that has versions, saying which
 * of them take traffic (the current version, the primary, and the split of a gradual deployment)
 * and the highest number given so far (the next version takes the one after, a rollback does not
 * lower it). Deleting a row deletes its versions with it.
 */
final class EnvironmentRows {

    /**
     * A worker environment's row.
     *
     * @param current the current version (the primary of {@code deployed}), or {@code null} when none is
     * @param latest the highest version number given
     * @param deployed what takes traffic, or {@code null} when no version is current
     */
    record Row(Integer current, int latest, TrafficSplit deployed) {
    }

    private EnvironmentRows() {
    }

    /**
     * The row, read as it is or locked until the transaction ends ({@code forUpdate}).
     *
     * @throws DamagedStateException if its split is not one, or does not fit its current version
     */
    static Optional<Row> find(Connection connection, String worker, String environment, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select current_version, latest_version, split::text,"
                + " split_message from jw_environments where worker = ? and environment = ?" + (forUpdate ? " for update" : ""))) {
            query.setString(1, worker);
            query.setString(2, environment);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                int number = rows.getInt(1);
                Integer current = rows.wasNull() ? null : number;
                int latest = rows.getInt(2);
                return Optional.of(new Row(current, latest, deployed(worker, environment, current, latest, rows.getString(3),
                        rows.getString(4))));
            }
        }
    }

    // What a row says takes traffic; a split that is not one, names a version above the latest or whose
    // primary is not the current version is damage (written by hand, or a bug), never guessed around.
    private static TrafficSplit deployed(String worker, String environment, Integer current, int latest, String split,
            String message) {
        if (current == null) {
            if (split != null) {
                throw damaged(worker, environment, "a split " + split + " without a current version");
            }
            return null;
        }
        if (split == null) {
            return new TrafficSplit(List.of(new TrafficSplit.Share(current, 100)), message);
        }
        TrafficSplit deployed;
        try {
            deployed = new TrafficSplit(StoreJson.shares(split), message);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw damaged(worker, environment, "the split " + split + " is not one (" + e.getMessage() + ")");
        }
        if (deployed.primary() != current || deployed.versions().stream().anyMatch(v -> v > latest)) {
            throw damaged(worker, environment, "the split " + deployed.describe() + " does not fit current version "
                    + current + " and latest " + latest);
        }
        return deployed;
    }

    private static DamagedStateException damaged(String worker, String environment, String what) {
        return new DamagedStateException("The row of \"" + worker + "\" in " + environment + " in jw_environments is damaged: "
                + what + ". Deploy again (jworkers versions deploy, or rollback) to set what takes traffic.");
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
    static void insertCopy(Connection connection, String worker, String environment, TrafficSplit deployed, int latest,
            long revision) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into jw_environments (worker, environment,"
                + " current_version, latest_version, revision, split, split_message) values (?, ?, ?, ?, ?, ?::jsonb, ?)")) {
            insert.setString(1, worker);
            insert.setString(2, environment);
            if (deployed == null) {
                insert.setNull(3, Types.INTEGER);
            } else {
                insert.setInt(3, deployed.primary());
            }
            insert.setInt(4, latest);
            insert.setLong(5, revision);
            insert.setString(6, sharesJson(deployed));
            insert.setString(7, deployed == null ? null : deployed.message());
            insert.executeUpdate();
        }
    }

    /** Makes a new version current, alone, and the latest: the commit of a deploy that adds a version. */
    static void commitNew(Connection connection, String worker, String environment, int number, long revision)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update jw_environments set current_version = ?,"
                + " latest_version = ?, revision = ?, split = null, split_message = null where worker = ? and environment = ?")) {
            update.setInt(1, number);
            update.setInt(2, number);
            update.setLong(3, revision);
            update.setString(4, worker);
            update.setString(5, environment);
            update.executeUpdate();
        }
    }

    /** Counts a new version as the latest, what takes traffic unchanged: the commit of an upload. */
    static void commitUpload(Connection connection, String worker, String environment, int number, long revision)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update jw_environments set latest_version = ?,"
                + " revision = ? where worker = ? and environment = ?")) {
            update.setInt(1, number);
            update.setLong(2, revision);
            update.setString(3, worker);
            update.setString(4, environment);
            update.executeUpdate();
        }
    }

    /** Sends traffic to existing versions, the primary current: the commit of a deploy or rollback. */
    static void commitDeployed(Connection connection, String worker, String environment, TrafficSplit deployed,
            long revision) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update jw_environments set current_version = ?,"
                + " split = ?::jsonb, split_message = ?, revision = ? where worker = ? and environment = ?")) {
            update.setInt(1, deployed.primary());
            update.setString(2, sharesJson(deployed));
            update.setString(3, deployed.message());
            update.setLong(4, revision);
            update.setString(5, worker);
            update.setString(6, environment);
            update.executeUpdate();
        }
    }

    // The split column: null when one version (or none) takes all traffic.
    private static String sharesJson(TrafficSplit deployed) {
        if (deployed == null || !deployed.isSplit()) {
            return null;
        }
        return StoreJson.sharesJson(deployed.shares());
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
