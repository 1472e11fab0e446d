package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates and upgrades the store's schema: an ordered list of SQL scripts
 * ({@code V1__state.sql}, …, next to this class), each applied once, in one transaction with the
 * row that records it in {@code jw_schema_version}. Hosts starting together against an empty
 * database take a transaction-scoped advisory lock first, so exactly one applies each script and
 * the others see it done. A database whose schema is newer than this jworkers knows is refused.
 */
final class Migrations {

    private static final System.Logger LOG = System.getLogger("jworkers.store");
    private static final List<String> SCRIPTS = List.of("V1__state.sql", "V2__traffic_split.sql");
    // Any fixed number: "jworkers schema" as the advisory lock's key.
    private static final long LOCK = 0x6a776f726b657273L;

    private Migrations() {
    }

    /**
     * Creates or upgrades the schema of a store, on a connection of its own.
     *
     * @throws StoreUnreachableException if the database cannot be reached
     * @throws DeploymentException if the schema cannot be created or is newer than this jworkers
     */
    static void prepare(Database database) {
        try (Connection connection = database.connect()) {
            migrate(connection);
        } catch (SQLException e) {
            if (Database.connectionLost(e)) {
                throw new StoreUnreachableException("state store unreachable: " + database.url().display() + ": "
                        + e.getMessage(), e);
            }
            throw new DeploymentException("The store's schema at " + database.url().display() + " cannot be prepared: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Applies the scripts the database has not had yet.
     *
     * @param connection a connection in auto-commit mode
     * @return the schema version now
     * @throws SQLException if a script fails (nothing of it stays) or the schema is too new
     */
    static int migrate(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("select pg_advisory_xact_lock(" + LOCK + ")");
            statement.execute("create table if not exists jw_schema_version (version integer primary key,"
                    + " script text not null, applied_at timestamptz not null default now())");
            int current = 0;
            try (ResultSet rows = statement.executeQuery("select coalesce(max(version), 0) from jw_schema_version")) {
                rows.next();
                current = rows.getInt(1);
            }
            if (current > SCRIPTS.size()) {
                throw new SQLException("The store's schema is version " + current + ", newer than this jworkers knows ("
                        + SCRIPTS.size() + "): a newer jworkers migrated it. Run that version on every host.");
            }
            for (int version = current + 1; version <= SCRIPTS.size(); version++) {
                String script = SCRIPTS.get(version - 1);
                statement.execute(read(script));
                try (var insert = connection.prepareStatement("insert into jw_schema_version (version, script) values (?, ?)")) {
                    insert.setInt(1, version);
                    insert.setString(2, script);
                    insert.executeUpdate();
                }
                LOG.log(Level.INFO, "store schema: applied " + script);
            }
            connection.commit();
            return SCRIPTS.size();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("The schema script " + script + " is not in the host's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
