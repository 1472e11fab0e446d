package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Connections to the store's database. Changes are rare and reads few, so a host keeps one
 * connection for its admin work (used by one thread at a time) and opens it again after a
 * failure; listening for changes has a connection of its own. The driver is used directly, not
 * through {@code DriverManager}: workers' drivers live there, the host's does not.
 */
final class Database implements AutoCloseable {

    /** The work done on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final Driver DRIVER = new Driver();

    private final StoreUrl url;
    private final String password;
    private Connection shared;
    // Whether the shared connection is inside transaction(), on the thread that holds this monitor.
    private boolean inTransaction;

    Database(StoreUrl url, String password) {
        this.url = url;
        this.password = password;
    }

    StoreUrl url() {
        return url;
    }

    /** A new connection, for whoever keeps one of their own (the change listener). */
    Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (url.user() != null) {
            properties.setProperty("user", url.user());
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "jworkers");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = DRIVER.connect(url.jdbcUrl(), properties);
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver does not accept the URL " + url.display());
        }
        return connection;
    }

    /**
     * Runs work in one transaction on the shared connection: committed when it returns, rolled
     * back when it throws. A broken connection is replaced at the next call.
     *
     * @throws StoreUnreachableException if the database cannot be reached or the connection fails
     */
    synchronized <T> T transaction(String what, Work<T> work) throws SQLException {
        if (inTransaction) {
            // Work asked for inside a change (the candidate's check fetching its bundle) joins the
            // change's transaction: committing it here would commit the change half-way.
            return work.run(shared);
        }
        Connection connection = shared();
        boolean done = false;
        inTransaction = true;
        try {
            connection.setAutoCommit(false);
            T result = work.run(connection);
            connection.commit();
            done = true;
            return result;
        } catch (SQLException e) {
            if (connectionLost(e)) {
                closeQuietly();
                throw new StoreUnreachableException("state store unreachable while " + what + ": " + e.getMessage(), e);
            }
            throw e;
        } finally {
            inTransaction = false;
            if (!done) {
                rollbackQuietly(connection);
            }
        }
    }

    /**
     * Runs work in one transaction as {@link #transaction} does, a failed statement reported as
     * the store failing at what it was doing.
     *
     * @param what what the work does, for the message
     * @throws StoreUnreachableException if the database cannot be reached or the connection fails
     * @throws DeploymentException if a statement fails
     */
    <T> T run(String what, Work<T> work) {
        try {
            return transaction(what, work);
        } catch (SQLException e) {
            throw new DeploymentException("The store failed while " + what + ": " + e.getMessage(), e);
        }
    }

    private Connection shared() throws StoreUnreachableException {
        try {
            if (shared == null || shared.isClosed()) {
                shared = connect();
            }
            return shared;
        } catch (SQLException e) {
            shared = null;
            throw new StoreUnreachableException("state store unreachable: " + url.display() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a failure means the database went away rather than the statement failed: SQL state
     * class 08 (connection exception) or 57P (operator intervention: the server shuts down).
     */
    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private void rollbackQuietly(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            if (shared != null) {
                shared.close();
            }
        } catch (SQLException ignored) {
            // Gone already.
        }
        shared = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
