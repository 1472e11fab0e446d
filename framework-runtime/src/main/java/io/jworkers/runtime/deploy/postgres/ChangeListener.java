package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.StoreUnreachableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;

/**
 * Hears the store's change notifications: a connection of its own that LISTENs on
 * {@link PostgresStore#CHANNEL}. A notification only wakes the host up; what changed is read from
 * the tables, so a notification lost while the connection was down costs nothing but the wait
 * until the next poll.
 */
final class ChangeListener implements AutoCloseable {

    private final Database database;
    private Connection connection;

    ChangeListener(Database database) {
        this.database = database;
    }

    /**
     * Waits for a notification, or the timeout.
     *
     * @return whether one came
     * @throws StoreUnreachableException if the database cannot be reached (the connection is opened again next time)
     */
    synchronized boolean await(Duration timeout) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = database.connect();
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen " + PostgresStore.CHANNEL);
                }
            }
            var notifications = connection.unwrap(PGConnection.class).getNotifications((int) Math.max(1, timeout.toMillis()));
            return notifications != null && notifications.length > 0;
        } catch (SQLException e) {
            close();
            throw new StoreUnreachableException("state store unreachable: " + database.url().display() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Gone already.
            }
            connection = null;
        }
    }
}
