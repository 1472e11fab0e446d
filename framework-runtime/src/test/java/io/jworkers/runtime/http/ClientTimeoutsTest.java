package io.jworkers.runtime.http;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that stop sending are dropped after the read timeout (before or inside their request
 * head, inside their body) or the idle timeout (between keep-alive requests), while clients that
 * keep sending and workers that take their time are left alone. Raw sockets, so the stalls are
 * exactly what is on the wire. No test asserts how fast a drop is, only that it comes (within 10 s)
 * or, for the cases that must survive, that they outlive the timeout several times over.
 */
class ClientTimeoutsTest {

    private static final Duration READ = Duration.ofMillis(400);
    private static final Duration IDLE = Duration.ofMillis(700);

    @TempDir
    static Path dir;
    private static DevServer server;
    // JUL holds loggers weakly: keep this one, or the handler goes with it.
    private static final Logger LOGGER = Logger.getLogger("jworkers.ingress");
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static final List<LogRecord> LOG = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            LOG.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        LOGGER.addHandler(CAPTURE);
        HELIDON.addHandler(CAPTURE);
        Path hasher = WorkerDirs.config(dir, "hasher", "{ \"name\": \"hasher\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("hasher"))));
        server = DevServer.start(List.of(hasher), null, IngressSettings.defaults("127.0.0.1", 0)
                .withClientTimeouts(READ, IDLE));
    }

    @AfterAll
    static void stop() {
        server.close();
        LOGGER.removeHandler(CAPTURE);
        HELIDON.removeHandler(CAPTURE);
    }

    @AfterEach
    void noStackTraceAndNoWarningWasLogged() {
        List<LogRecord> bad = LOG.stream()
                .filter(r -> r.getThrown() != null || r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        LOG.clear();
        assertTrue(bad.isEmpty(), () -> "a dropped client is one line at INFO, got: "
                + bad.stream().map(r -> r.getLevel() + " " + r.getMessage() + " " + r.getThrown()).toList());
    }

    @Test
    void aClientThatConnectsAndSendsNothingIsDropped() throws IOException {
        try (Socket socket = connect()) {
            assertEquals("", readUntilClosed(socket));
        }
        assertLogged("no complete request head within 400 ms");
        assertStillServing();
    }

    @Test
    void aClientThatStallsInsideItsHeadersIsDropped() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /hash HTTP/1.1\r\nHost: x\r\n");
            assertEquals("", readUntilClosed(socket), "no answer to half a request");
        }
        assertLogged("no complete request head within 400 ms");
        assertStillServing();
    }

    @Test
    void aClientThatStallsInsideItsHeadersIsDroppedEvenIfItTrickles() throws IOException, InterruptedException {
        // The head as a whole must arrive within the read timeout, as nginx's client_header_timeout:
        // one byte now and then must not keep a connection open for ever.
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            String head = "GET /hash HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100);
            boolean reset = false;
            for (int i = 0; i < head.length() && !reset; i++) {
                try {
                    out.write(head.charAt(i));
                    out.flush();
                } catch (IOException e) {
                    reset = true;
                }
                Thread.sleep(READ.toMillis() / 4);
            }
            if (!reset) {
                assertEquals("", readUntilClosed(socket));
            }
        }
        assertStillServing();
    }

    @Test
    void aClientThatStallsInsideItsBodyGets408() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /hash HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(10));
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
            assertTrue(response.toLowerCase().contains("\r\nconnection: close\r\n"), response);
            assertTrue(response.endsWith("Request Timeout: the request body stopped arriving for 400 ms (request id "
                    + header(response, "x-request-id") + ")\n"), response);
        }
        assertLogged("its request body stopped for 400 ms after 10 bytes");
        assertStillServing();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /slow?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n");
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.endsWith("\r\n\r\ndone"), "one complete response, then the close: " + response);
        }
        assertStillServing();
    }

    @Test
    void aSlowUploadThatKeepsSendingIsServed() throws IOException, InterruptedException {
        // 16 bytes, one every 100 ms: 1.6 s in all, four read timeouts, but never 400 ms of silence.
        try (Socket socket = connect()) {
            send(socket, "POST /hash HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\nConnection: close\r\n\r\n");
            for (int i = 0; i < 16; i++) {
                Thread.sleep(READ.toMillis() / 4);
                send(socket, "x");
            }
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.endsWith(" 16"), "the whole body was read: " + response);
        }
    }

    @Test
    void aWorkerSlowerThanTheTimeoutsIsNotDropped() {
        // The timeouts are about the client not sending, not about the worker taking its time.
        long ms = 4 * IDLE.toMillis();
        HttpResponse<String> response = Http.get(server.url() + "/slow?ms=" + ms);
        assertEquals(200, response.statusCode());
        assertEquals("done", response.body());
    }

    @Test
    void otherClientsAreServedWhileStalledOnesWait() throws IOException {
        try (Socket silent = connect(); Socket slowloris = connect(); Socket stalledBody = connect()) {
            send(slowloris, "GET /hash HTTP/1.1\r\nHost: x\r\n");
            send(stalledBody, "POST /hash HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nxx");
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = Http.send("POST", server.url() + "/hash", "abc");
                assertEquals(200, response.statusCode());
                assertTrue(response.body().endsWith(" 3"), response.body());
            }
            assertEquals("", readUntilClosed(silent));
            readUntilClosed(slowloris);
            assertTrue(readUntilClosed(stalledBody).startsWith("HTTP/1.1 408 "));
        }
        assertStillServing();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    // What the server sent before it closed the connection; fails if it kept it open 10 s.
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection of a silent client open; it sent: "
                    + received.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException reset) {
            // A reset is a close too.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            if (line.toLowerCase().startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + response);
    }

    private static void assertLogged(String text) {
        LOG.stream().filter(r -> r.getMessage().contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with \"" + text + "\" in "
                        + LOG.stream().map(LogRecord::getMessage).toList()));
    }

    // On a new connection: a pooled client connection may itself have been closed by the short idle timeout.
    private static void assertStillServing() {
        try (Socket socket = connect()) {
            send(socket, "POST /hash HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nafter");
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.endsWith(" 5"), response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
