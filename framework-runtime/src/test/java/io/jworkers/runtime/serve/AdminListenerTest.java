package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.RawHttp.body;
import static io.jworkers.runtime.testing.RawHttp.exchange;
import static io.jworkers.runtime.testing.RawHttp.statusLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.RawHttp;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener is guarded as the public one: clients that stop sending are dropped after
 * the read timeout, idle keep-alive connections after the idle timeout, and it speaks HTTP/1.1
 * only (505 for the rest, HTTP/1.0 included). After each, the admin API answers as before.
 */
class AdminListenerTest {

    private static final String TOKEN = "admin-listener-token";
    private static final String SERVICES = "GET /v1/services HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n";

    @TempDir
    static Path dir;
    private static ServeHost serve;
    private static AdminServer admin;
    private static LogCapture log;

    @BeforeAll
    static void start() {
        log = new LogCapture("jworkers.admin", "io.helidon");
        serve = ServeHost.open(dir.resolve("state"));
        admin = AdminServer.start("127.0.0.1", 0, serve, TOKEN, Duration.ofMillis(400), Duration.ofMillis(700));
    }

    @AfterAll
    static void stop() {
        admin.close();
        serve.close();
        log.close();
    }

    @AfterEach
    void theAdminApiStillAnswers() {
        String response = exchange(admin.port(), SERVICES + "Connection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertEquals("[]", body(response));
        assertEquals(List.of(), log.stackTracesAndWarnings(), "no stack trace, no warning");
        log.clear();
    }

    @Test
    void aClientThatSendsNothingIsDroppedAfterTheReadTimeout() throws IOException {
        try (Socket silent = RawHttp.connect(admin.port())) {
            assertEquals("", RawHttp.readUntilClosed(silent));
        }
        assertEquals(1, log.messagesWith("no complete request head within 400 ms of connecting").size(),
                log.messages().toString());
    }

    @Test
    void anUploadThatStopsArrivingGets408AndAMalformedOne400WithoutAStackTrace() throws IOException {
        String deploy = "POST /v1/workers/hello/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n";
        try (Socket stalled = RawHttp.connect(admin.port())) {
            RawHttp.send(stalled, deploy + "Content-Length: 1000\r\n\r\nPK\u0003\u0004 only a few bytes");
            String response = RawHttp.readUntilClosed(stalled);
            assertEquals("HTTP/1.1 408 Request Timeout", statusLine(response));
            assertTrue(body(response).startsWith("{\"error\":\"The request body failed: the client stopped sending the"
                    + " request body after "), response);
        }
        try (Socket malformed = RawHttp.connect(admin.port())) {
            RawHttp.send(malformed, deploy + "Transfer-Encoding: chunked\r\n\r\n4\r\nPK\u0003\u0004\r\nzz\r\n");
            String response = RawHttp.readUntilClosed(malformed);
            assertEquals("HTTP/1.1 400 Bad Request", statusLine(response));
            assertTrue(body(response).startsWith("{\"error\":\"The request body failed: the request body's chunked"
                    + " encoding is malformed after 4 bytes"), response);
        }
        try (Socket secret = RawHttp.connect(admin.port())) {
            RawHttp.send(secret, "PUT /v1/workers/hello/secrets/KEY HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: 100\r\n\r\nhalf a sec");
            assertEquals("HTTP/1.1 408 Request Timeout", statusLine(RawHttp.readUntilClosed(secret)));
        }
        try (Socket gone = RawHttp.connect(admin.port())) {
            RawHttp.send(gone, deploy + "Content-Length: 100000\r\n\r\nPK\u0003\u0004 ten bytes");
            gone.shutdownOutput();
            assertEquals("", RawHttp.readUntilClosed(gone), "a client that is gone gets no answer");
        }
        assertTrue(serve.store().workers().isEmpty(), "nothing was deployed");
    }

    @Test
    void aClientThatStallsInItsHeadersIsDropped() throws IOException {
        try (Socket stalled = RawHttp.connect(admin.port())) {
            RawHttp.send(stalled, "GET /v1/services HTTP/1.1\r\nHost: x\r\n");
            assertEquals("", RawHttp.readUntilClosed(stalled));
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket idle = RawHttp.connect(admin.port())) {
            RawHttp.send(idle, SERVICES + "\r\n");
            String response = RawHttp.readUntilClosed(idle);
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.endsWith("\r\n\r\n[]"), "one response, then the close: " + response);
        }
    }

    @Test
    void otherVersionsThanHttp11Get505() {
        String response = exchange(admin.port(), "GET /v1/services HTTP/1.0\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");
        assertEquals("HTTP/1.1 505 HTTP Version Not Supported", statusLine(response));
        assertEquals("HTTP Version Not Supported: this host speaks HTTP/1.1, not HTTP/1.0\n", body(response));
    }
}
