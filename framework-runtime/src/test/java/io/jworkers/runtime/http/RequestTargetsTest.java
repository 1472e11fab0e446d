package io.jworkers.runtime.http;

import static io.jworkers.runtime.testing.RawHttp.body;
import static io.jworkers.runtime.testing.RawHttp.exchange;
import static io.jworkers.runtime.testing.RawHttp.header;
import static io.jworkers.runtime.testing.RawHttp.statusLine;
import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.WorkerDirs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request targets that are not a path (RFC 9112 §3.2), and CONNECT: decided by the host before
 * any worker sees them. The worker (urlecho) answers with the URL it got, so a test sees exactly
 * what reached it; the access log's {@code workers=-} shows what never did.
 */
class RequestTargetsTest {

    @TempDir
    static Path dir;
    private static DevServer server;
    private static LogCapture log;

    @BeforeAll
    static void start() {
        log = new LogCapture("jworkers.ingress", "io.helidon");
        server = DevServer.start(List.of(WorkerDirs.config(dir, "urlecho", "{ \"name\": \"urlecho\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("urlecho"))))), null, IngressSettings.defaults("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
        log.close();
    }

    @AfterEach
    void nothingElseChanged() {
        assertTrue(Http.get(server.url() + "/after").body().startsWith("path=/after\n"));
        assertEquals(List.of(), log.stackTracesAndWarnings(), "no stack trace, no warning");
        log.clear();
    }

    @Test
    void anAbsoluteFormTargetIsServedAsItsPathOnItsHost() {
        String response = exchange(server.port(),
                "GET http://Evil.Example:81/abs?q=1 HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertTrue(body(response).startsWith("path=/abs\nurl=http://evil.example:81/abs?q=1\npath=/abs\n"), response);
        assertTrue(body(response).contains("\nhost=[evil.example:81]\n"), "the target's authority replaces Host: " + response);
        assertEquals(1, log.messagesWith("GET /abs 200 ").size(), log.messages().toString());
    }

    @Test
    void anAbsoluteFormTargetWithoutAPathIsServedAsSlash() {
        String response = exchange(server.port(), "GET http://h.example HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertTrue(body(response).startsWith("path=/\nurl=http://h.example/\n"), response);
    }

    @Test
    void aTargetThatIsNotAPathIs400AndTheClose() {
        String response = exchange(server.port(), "GET notes HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(response));
        assertEquals("close", header(response, "connection"));
        assertEquals("Bad Request: the request target \"notes\" is neither a path (starting with /) nor an absolute"
                + " http URL\n", body(response));
        assertEquals(1, log.messagesWith("GET notes 400 ").size(), log.messages().toString());
        assertTrue(log.messagesWith("GET notes 400 ").get(0).endsWith(" workers=-"), log.messages().toString());

        String authority = exchange(server.port(), "GET x.example:80 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(authority), "authority-form is for CONNECT only");
        String userInfo = exchange(server.port(), "GET http://user@h.example/ HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(userInfo));
    }

    @Test
    void anAsteriskIsForOptionsOnly() {
        String options = exchange(server.port(), "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(options));
        assertEquals(RequestTarget.ALLOW, header(options, "allow"));
        assertEquals("0", header(options, "content-length"));
        assertTrue(log.messagesWith("OPTIONS * 200 ").get(0).endsWith(" workers=-"), "the host answered: " + log.messages());

        String get = exchange(server.port(), "GET * HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(get));
        assertEquals("Bad Request: the request target * is only for OPTIONS, not for GET\n", body(get));
    }

    @Test
    void connectIs501AndNeverReachesAWorker() {
        for (String request : List.of("CONNECT x.example:443 HTTP/1.1\r\nHost: x.example:443\r\n\r\n",
                "CONNECT /path HTTP/1.1\r\nHost: x\r\n\r\n", "CONNECT x.example:443 HTTP/1.0\r\n\r\n")) {
            String response = exchange(server.port(), request);
            assertEquals("HTTP/1.1 501 Not Implemented", statusLine(response), request);
            assertEquals("close", header(response, "connection"));
            assertEquals("Not Implemented: CONNECT is not supported; this host serves workers, it is not a proxy\n",
                    body(response));
        }
        assertEquals(3, log.messagesWith("CONNECT ").size(), log.messages().toString());
        assertTrue(log.messagesWith("CONNECT ").stream().allMatch(line -> line.contains(" 501 ") && line.endsWith(" workers=-")),
                log.messages().toString());
    }
}
