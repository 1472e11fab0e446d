package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.deploy.SecretSets;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * The secret sets of a store, sealed with the hosts' key: never plain in the database. Each set is
 * sealed for its place, {@code WORKER/ENV/N} for version N's and {@code WORKER/ENV/pending} for
 * those set before a first deploy ({@code jw_pending_secrets}), so that a set copied into another
 * row does not open there.
 */
final class SealedSecrets {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final SecretCipher cipher;

    SealedSecrets(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** Seals a version's set. */
    byte[] seal(Map<String, String> secrets, String worker, String environment, int number) {
        return cipher.seal(SecretSets.toJson(secrets), place(worker, environment, number));
    }

    /**
     * Opens a version's set.
     *
     * @param which what it belongs to, for the message
     * @throws DamagedStateException if it does not open or is not a set
     */
    Map<String, String> open(byte[] sealed, String worker, String environment, int number, String which) {
        return SecretSets.fromJson(cipher.open(sealed, place(worker, environment, number)), which);
    }

    // The secrets a new version starts from: the current version's, else those set before the first deploy.
    Map<String, String> base(Connection connection, String worker, String environment, Optional<EnvironmentRows.Row> row)
            throws SQLException {
        if (row.isPresent() && row.get().current() != null) {
            int current = row.get().current();
            Optional<VersionRows.Stored> stored = VersionRows.find(connection, worker, environment, current);
            if (stored.isPresent()) {
                try {
                    return open(stored.get().sealedSecrets(), worker, environment, current, "version " + current);
                } catch (DamagedStateException e) {
                    LOG.log(Level.WARNING, "[" + worker + "] " + e.getMessage() + "; the new version starts with no secrets"
                            + " but those it is given");
                    return Map.of();
                }
            }
        }
        return pending(connection, worker, environment);
    }

    /** The secrets set before a first deploy; empty when none are. */
    Map<String, String> pending(Connection connection, String worker, String environment) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "select secrets from jw_pending_secrets where worker = ? and environment = ?")) {
            query.setString(1, worker);
            query.setString(2, environment);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Map.of();
                }
                String place = worker + "/" + environment + "/pending";
                return SecretSets.fromJson(cipher.open(rows.getBytes(1), place), "the pending secrets of \"" + worker + "\"");
            }
        }
    }

    /** Replaces the secrets set before a first deploy (an empty set is kept as a row too). */
    void writePending(Connection connection, String worker, String environment, Map<String, String> secrets)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("insert into jw_pending_secrets (worker, environment,"
                + " secrets) values (?, ?, ?) on conflict (worker, environment) do update set secrets = excluded.secrets")) {
            upsert.setString(1, worker);
            upsert.setString(2, environment);
            upsert.setBytes(3, cipher.seal(SecretSets.toJson(secrets), worker + "/" + environment + "/pending"));
            upsert.executeUpdate();
        }
    }

    /** Deletes the secrets set before a first deploy: the first version took them, or the environment goes. */
    static void deletePending(Connection connection, String worker, String environment) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "delete from jw_pending_secrets where worker = ? and environment = ?")) {
            delete.setString(1, worker);
            delete.setString(2, environment);
            delete.executeUpdate();
        }
    }

    /**
     * Checks that the key opens the secrets the store holds already (one sealed set is enough).
     *
     * @throws DeploymentException if it does not
     */
    void checkKey(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("(select worker || '/' || environment || '/' || number,"
                + " secrets from jw_versions limit 1) union all (select worker || '/' || environment || '/pending', secrets"
                + " from jw_pending_secrets limit 1) limit 1");
                ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                return;
            }
            String place = rows.getString(1);
            try {
                cipher.open(rows.getBytes(2), place);
            } catch (DamagedStateException e) {
                throw new DeploymentException("The secret key given does not open the secrets in the store (those of " + place
                        + "): every host of a store, and whatever writes into it, needs the same key (--secret-key-file or "
                        + SecretCipher.KEY_VARIABLE + ")");
            }
        }
    }

    private static String place(String worker, String environment, int number) {
        return worker + "/" + environment + "/" + number;
    }
}
