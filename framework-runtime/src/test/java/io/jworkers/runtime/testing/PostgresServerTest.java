package io.jworkers.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PostgresServer} starts a real PostgreSQL that the JDBC driver talks to with the test
 * role's password, survives a stop and a start on the same port with its data, refuses
 * connections while it is stopped, keeps what it acknowledged through a kill, and runs next to
 * another server on another port.
 */
class PostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void rowsSurviveAStopAndAStartOnTheSamePortAndAStoppedServerRefusesConnections() throws Exception {
        long started = System.nanoTime();
        try (PostgresServer server = PostgresServer.start(dir)) {
            System.out.printf("initdb and start: %d ms%n", (System.nanoTime() - started) / 1_000_000);
            String url = server.createDatabase("stop_start");
            try (Connection connection = connect(server, url); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
                assertEquals(1, statement.executeUpdate("INSERT INTO notes VALUES (1, 'before the outage')"));
                assertEquals("before the outage", body(statement));
            }
            int port = server.port();

            server.stop();
            SQLException refused = assertThrows(SQLException.class, () -> connect(server, url));
            assertEquals("08001", refused.getSQLState(), refused.toString());
            assertTrue(refused.getMessage().startsWith("Connection to 127.0.0.1:" + port + " refused."), refused.getMessage());
            assertInstanceOf(ConnectException.class, refused.getCause());

            long restarted = System.nanoTime();
            server.start();
            System.out.printf("start again: %d ms%n", (System.nanoTime() - restarted) / 1_000_000);
            assertEquals(port, server.port());
            try (Connection connection = connect(server, url); Statement statement = connection.createStatement()) {
                assertEquals("before the outage", body(statement));
            }
        }
        assertFalse(Files.exists(dir.resolve("postgres")), "close() deletes the server's folder");
    }

    // As a crash of PostgreSQL: what it acknowledged is there after the restart (with
    // synchronous_commit=off the last commits were lost).
    @Test
    void everyAcknowledgedCommitSurvivesAKill() throws Exception {
        try (PostgresServer server = PostgresServer.start(dir)) {
            try (Connection connection = connect(server, server.jdbcUrl("jworkers")); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE counts (n int NOT NULL)");
                for (int n = 1; n <= 200; n++) {
                    statement.executeUpdate("INSERT INTO counts VALUES (" + n + ")");
                }
            }
            server.kill();
            server.start();
            try (Connection connection = connect(server, server.jdbcUrl("jworkers"));
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT count(*), max(n) FROM counts")) {
                assertTrue(row.next());
                assertEquals("200 200", row.getInt(1) + " " + row.getInt(2));
            }
        }
    }

    @Test
    void theTestRoleNeedsItsPasswordAndOwnsTheDatabaseJworkers() throws Exception {
        try (PostgresServer server = PostgresServer.start(dir)) {
            assertEquals("postgresql://jworkers@127.0.0.1:" + server.port() + "/jworkers", server.url());
            assertEquals("jdbc:postgresql://127.0.0.1:" + server.port() + "/jworkers", server.jdbcUrl("jworkers"));
            try (Connection connection = connect(server, server.jdbcUrl("jworkers"));
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT current_user, pg_get_userbyid(datdba), rolsuper"
                            + " FROM pg_database, pg_roles WHERE datname = current_database() AND rolname = current_user")) {
                assertTrue(row.next());
                assertEquals("jworkers jworkers false", row.getString(1) + " " + row.getString(2) + " " + row.getBoolean(3));
            }
            Properties wrong = new Properties();
            wrong.setProperty("user", server.user());
            wrong.setProperty("password", "not-" + server.password());
            SQLException refused = assertThrows(SQLException.class,
                    () -> new org.postgresql.Driver().connect(server.jdbcUrl("jworkers"), wrong));
            assertEquals("28P01", refused.getSQLState(), refused.toString());
        }
    }

    @Test
    void twoServersRunAtOnceOnTwoPorts(@TempDir Path other) throws Exception {
        try (PostgresServer first = PostgresServer.start(dir); PostgresServer second = PostgresServer.start(other)) {
            assertNotEquals(first.port(), second.port());
            for (PostgresServer server : new PostgresServer[] {first, second}) {
                try (Connection connection = connect(server, server.jdbcUrl("jworkers"));
                        Statement statement = connection.createStatement();
                        ResultSet row = statement.executeQuery("SELECT inet_server_port()")) {
                    assertTrue(row.next());
                    assertEquals(server.port(), row.getInt(1));
                }
            }
        }
    }

    // The driver itself rather than DriverManager, as a host would hold it: tests of the JVM-wide
    // driver registry share this JVM.
    private static Connection connect(PostgresServer server, String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", server.user());
        properties.setProperty("password", server.password());
        Connection connection = new org.postgresql.Driver().connect(url, properties);
        if (connection == null) {
            throw new IllegalStateException("the driver does not take " + url);
        }
        return connection;
    }

    private static String body(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT body FROM notes WHERE id = 1")) {
            assertTrue(row.next(), "the row is there");
            return row.getString(1);
        }
    }
}
