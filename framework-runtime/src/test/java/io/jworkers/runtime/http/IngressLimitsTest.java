package io.jworkers.runtime.http;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad or greedy clients get the right status and change nothing: the next ordinary request is
 * served as before. Raw sockets, so the requests are exactly what is on the wire.
 */
class IngressLimitsTest {

    @TempDir
    static Path dir;
    private static DevServer server;

    @BeforeAll
    static void start() {
        Path hello = WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "hello" } }
                """.formatted(json(Fixtures.classes("hello"))));
        server = DevServer.start(List.of(hello), null, IngressSettings.defaults("127.0.0.1", 0)
                .withMaxBodyBytes(1024 * 1024)
                .withClientTimeouts(Duration.ofMillis(500), Duration.ofMillis(800)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String exchange(String raw) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertStillServing() {
        assertTrue(Http.get(server.url() + "/after").body().startsWith("hello from hello at /after"));
    }

    private static String statusLine(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    @Test
    void headersTooLargeGet431() throws IOException {
        String response = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20 * 1024) + "\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", statusLine(response));
        assertTrue(response.matches("(?s).*\r\n\r\nRequest headers are 205\\d\\d bytes, more than the 16384 allowed\n"), response);
        assertStillServing();
    }

    @Test
    void aBodyOverTheLimitGets413() throws IOException {
        String response = exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + (2 * 1024 * 1024)
                + "\r\nConnection: close\r\n\r\n" + "x".repeat(1024));
        assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine(response));
        assertStillServing();
    }

    @Test
    void aMalformedRequestGets400() throws IOException {
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(exchange("GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n")));
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(exchange("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertStillServing();
    }

    @Test
    void somethingThatIsNotHttpIsDisconnectedWithoutAnAnswer() throws IOException {
        assertEquals("", exchange("GARBAGE\r\n\r\n"));
        assertStillServing();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        assertDropped("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    private static void assertDropped(String partial) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
                while (read >= 0) {
                    read = in.read();
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept a silent client's connection open", e);
            } catch (IOException reset) {
                read = -1;
            }
            assertEquals(-1, read, "the server closed the connection");
        }
        assertStillServing();
    }
}
