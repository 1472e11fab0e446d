package io.jworkers.runtime.http;

import static io.jworkers.runtime.testing.RawHttp.body;
import static io.jworkers.runtime.testing.RawHttp.statusLine;
import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.RawHttp;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --max-connections}: past the bound, a new connection is not refused but waits in the
 * accept queue, and is served as soon as an open one closes. Reaching the bound is logged once.
 */
class ConnectionLimitTest {

    @TempDir
    static Path dir;
    private static DevServer server;
    private static LogCapture log;

    @BeforeAll
    static void start() {
        log = new LogCapture("jworkers.listener");
        server = DevServer.start(List.of(WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "hello" } }
                """.formatted(json(Fixtures.classes("hello"))))), null,
                IngressSettings.defaults("127.0.0.1", 0).withMaxConnections(2));
    }

    @AfterAll
    static void stop() {
        server.close();
        log.close();
    }

    @Test
    void aConnectionPastTheLimitWaitsUntilAnOpenOneCloses() throws Exception {
        try (Socket first = RawHttp.connect(server.port()); Socket second = RawHttp.connect(server.port())) {
            for (Socket open : List.of(first, second)) {
                RawHttp.send(open, "GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK", statusLine(RawHttp.readResponse(open)), "both are accepted and kept alive");
            }
            try (Socket third = RawHttp.connect(server.port())) {
                RawHttp.send(third, "GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                third.setSoTimeout(1000);
                assertThrows(SocketTimeoutException.class, () -> third.getInputStream().read(),
                        "not served while two connections are open");
                awaitLog("2 connections are open on the public listener, its limit (2): new clients wait in the accept"
                        + " queue until connections close");

                first.close();
                third.setSoTimeout(10_000);
                String response = RawHttp.readUntilClosed(third);
                assertEquals("HTTP/1.1 200 OK", statusLine(response));
                assertTrue(body(response).startsWith("hello from hello at /third"), response);
            }
        }
    }

    private static void awaitLog(String line) throws InterruptedException {
        for (int i = 0; i < 200 && !log.messages().contains(line); i++) {
            Thread.sleep(50);
        }
        assertEquals(List.of(line), log.messagesWith("connections are open"), "logged once");
    }
}
