package io.jworkers.runtime.deploy.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Bundles in the store: a zip per content hash, in rows of 1 MiB ({@code jw_bundle_chunks}), so
 * that neither a host nor PostgreSQL ever holds a whole bundle in memory. A bundle's row and its
 * chunks are written in one transaction: a bundle row means the whole bundle is there.
 */
final class BundleBlobs {

    /** The size of one chunk row. */
    static final int CHUNK_BYTES = 1024 * 1024;

    private BundleBlobs() {
    }

    /**
     * Stores a zip under a hash, unless a bundle of that hash is stored already (then nothing is
     * written: same hash, same content). Two hosts storing one hash at once: the second waits for
     * the first's transaction and then finds it there.
     *
     * @param connection a connection inside a transaction
     * @param sha256 the content hash
     * @param zip the zip
     * @return whether this call stored it
     */
    static boolean put(Connection connection, String sha256, Path zip) throws SQLException, IOException {
        long bytes = Files.size(zip);
        int chunks = (int) ((bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into jw_bundles (sha256, bytes, chunks) values (?, ?, ?) on conflict (sha256) do nothing")) {
            insert.setString(1, sha256);
            insert.setLong(2, bytes);
            insert.setInt(3, chunks);
            if (insert.executeUpdate() == 0) {
                return false;
            }
        }
        byte[] buffer = new byte[CHUNK_BYTES];
        try (InputStream in = Files.newInputStream(zip);
                PreparedStatement chunk = connection.prepareStatement(
                        "insert into jw_bundle_chunks (sha256, seq, data) values (?, ?, ?)")) {
            for (int seq = 0; seq < chunks; seq++) {
                int length = in.readNBytes(buffer, 0, CHUNK_BYTES);
                chunk.setString(1, sha256);
                chunk.setInt(2, seq);
                chunk.setBytes(3, length == CHUNK_BYTES ? buffer : java.util.Arrays.copyOf(buffer, length));
                chunk.executeUpdate();
            }
        }
        return true;
    }

    /**
     * Whether a bundle is stored.
     *
     * @param connection a connection
     * @param sha256 the hash
     * @return whether its row is there
     */
    static boolean exists(Connection connection, String sha256) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select 1 from jw_bundles where sha256 = ?")) {
            query.setString(1, sha256);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Writes a stored bundle's zip to a file, one chunk row at a time.
     *
     * @param connection a connection
     * @param sha256 the hash
     * @param zip the file to write
     * @return whether the bundle is stored (else nothing is written)
     */
    static boolean copyTo(Connection connection, String sha256, Path zip) throws SQLException, IOException {
        int chunks;
        try (PreparedStatement query = connection.prepareStatement("select chunks from jw_bundles where sha256 = ?")) {
            query.setString(1, sha256);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return false;
                }
                chunks = rows.getInt(1);
            }
        }
        try (OutputStream out = Files.newOutputStream(zip);
                PreparedStatement chunk = connection.prepareStatement(
                        "select data from jw_bundle_chunks where sha256 = ? and seq = ?")) {
            for (int seq = 0; seq < chunks; seq++) {
                chunk.setString(1, sha256);
                chunk.setInt(2, seq);
                try (ResultSet rows = chunk.executeQuery()) {
                    if (!rows.next()) {
                        throw new SQLException("Chunk " + seq + " of bundle " + sha256 + " is missing from the store");
                    }
                    out.write(rows.getBytes(1));
                }
            }
        }
        return true;
    }

    /**
     * Deletes the bundles no version names that were stored more than an hour ago (a younger one
     * may belong to a deploy that has not committed its version yet).
     *
     * @param connection a connection inside a transaction
     * @return the hashes deleted
     */
    static java.util.List<String> deleteUnused(Connection connection) throws SQLException {
        java.util.List<String> deleted = new java.util.ArrayList<>();
        try (PreparedStatement delete = connection.prepareStatement("delete from jw_bundles b where b.stored_at < now() -"
                + " interval '1 hour' and not exists (select 1 from jw_versions v where v.sha256 = b.sha256) returning sha256");
                ResultSet rows = delete.executeQuery()) {
            while (rows.next()) {
                deleted.add(rows.getString(1));
            }
        }
        return deleted;
    }
}
