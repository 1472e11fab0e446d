package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.VersionInfo;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of {@code jw_versions}: every committed version of a worker environment with its
 * time, message, bundle hash, the routes it took (JSON) and its secrets, sealed. A row is never
 * changed once written.
 */
final class VersionRows {


    /**
     * A version as the store keeps it.
     *
     * @param info the version
     * @param sealedSecrets its secrets, still sealed
     */
    record Stored(VersionInfo info, byte[] sealedSecrets) {
    }

    private VersionRows() {
    }

    /** A worker environment's versions, oldest first. */
    static List<VersionInfo> list(Connection connection, String worker, String environment) throws SQLException {
        List<VersionInfo> versions = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("select number, created_at, message, sha256, routes_taken"
                + " from jw_versions where worker = ? and environment = ? order by number")) {
            query.setString(1, worker);
            query.setString(2, environment);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    versions.add(info(rows));
                }
            }
        }
        return versions;
    }

    /** A version with its sealed secrets, or empty when there is no such row. */
    static Optional<Stored> find(Connection connection, String worker, String environment, int number)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select number, created_at, message, sha256, routes_taken,"
                + " secrets from jw_versions where worker = ? and environment = ? and number = ?")) {
            query.setString(1, worker);
            query.setString(2, environment);
            query.setInt(3, number);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Stored(info(rows), rows.getBytes(6))) : Optional.empty();
            }
        }
    }

    /**
     * Writes a version's row. Its time is kept to the microsecond, as PostgreSQL keeps it; a
     * message of {@code null} is kept as empty.
     */
    static void insert(Connection connection, String worker, String environment, VersionInfo info, byte[] sealedSecrets)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into jw_versions (worker, environment,"
                + " number, created_at, message, sha256, routes_taken, secrets) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
            insert.setString(1, worker);
            insert.setString(2, environment);
            insert.setInt(3, info.number());
            insert.setTimestamp(4, Timestamp.from(info.createdAt().truncatedTo(ChronoUnit.MICROS)));
            insert.setString(5, info.message() == null ? "" : info.message());
            insert.setString(6, info.sha256());
            insert.setString(7, routesJson(info.routesTaken()));
            insert.setBytes(8, sealedSecrets);
            insert.executeUpdate();
        }
    }

    /** The hashes of the bundles some version names. */
    static List<String> bundleHashes(Connection connection) throws SQLException {
        List<String> hashes = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("select distinct sha256 from jw_versions");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                hashes.add(rows.getString(1));
            }
        }
        return hashes;
    }

    // The columns number, created_at, message, sha256, routes_taken, in that order.
    private static VersionInfo info(ResultSet rows) throws SQLException {
        try {
            return new VersionInfo(rows.getInt(1), rows.getTimestamp(2).toInstant(), rows.getString(3), rows.getString(4),
                    StoreJson.routes(rows.getString(5)));
        } catch (IOException e) {
            throw new DamagedStateException("The routes taken by version " + rows.getInt(1) + " are damaged in the store ("
                    + e.getMessage() + ")");
        }
    }

    private static String routesJson(Map<String, Instant> routes) {
        return StoreJson.routesJson(routes);
    }
}
