package io.jworkers.runtime.http;

import static io.jworkers.runtime.testing.RawHttp.body;
import static io.jworkers.runtime.testing.RawHttp.exchange;
import static io.jworkers.runtime.testing.RawHttp.header;
import static io.jworkers.runtime.testing.RawHttp.statusLine;
import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.RawHttp;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.0 is served (nginx's {@code proxy_pass}, ApacheBench and health checkers speak it):
 * closed after the response unless the request asks for keep-alive, and then only with a length.
 * Other versions get 505 and the close. The servers run with the default client timeouts (30 s,
 * 75 s), so every close seen here is the server's decision, not a timeout.
 */
class HttpVersionsTest {

    @TempDir
    static Path dir;
    private static DevServer echo;
    private static DevServer hasher;
    private static LogCapture log;

    @BeforeAll
    static void start() {
        log = new LogCapture("jworkers.ingress", "io.helidon");
        echo = DevServer.start(List.of(WorkerDirs.config(dir, "urlecho", "{ \"name\": \"urlecho\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("urlecho"))))), null, IngressSettings.defaults("127.0.0.1", 0));
        hasher = DevServer.start(List.of(WorkerDirs.config(dir, "hasher", "{ \"name\": \"hasher\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("hasher"))))), null, IngressSettings.defaults("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        echo.close();
        hasher.close();
        log.close();
    }

    @AfterEach
    void nothingElseChanged() {
        assertTrue(Http.get(echo.url() + "/after").body().startsWith("path=/after\n"));
        assertEquals(List.of(), log.stackTracesAndWarnings(), "no stack trace, no warning");
        log.clear();
    }

    @Test
    void everyStatusLineHasItsStandardReasonPhraseOverHttp11AndHttp10() {
        String[][] cases = {{"200", "OK"}, {"201", "Created"}, {"404", "Not Found"}, {"429", "Too Many Requests"},
            {"431", "Request Header Fields Too Large"}, {"451", "Unavailable For Legal Reasons"},
            {"508", "Loop Detected"}, {"511", "Network Authentication Required"}};
        for (String[] c : cases) {
            for (String version : List.of("HTTP/1.1", "HTTP/1.0")) {
                String response = exchange(echo.port(), "GET /status/" + c[0] + " " + version
                        + "\r\nHost: a.test\r\nConnection: close\r\n\r\n");
                assertEquals("HTTP/1.1 " + c[0] + " " + c[1], statusLine(response), version);
                assertEquals("status", body(response));
            }
        }
        // A status without a standard phrase: its number again as the phrase, as Helidon writes it.
        assertEquals("HTTP/1.1 299 299", statusLine(exchange(echo.port(),
                "GET /status/299 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")));
    }

    @Test
    void anHttp10RequestGetsItsResponseAndThenTheClose() {
        String response = exchange(echo.port(), "GET /a?x=1 HTTP/1.0\r\nHost: example.test\r\nX-One: 1\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertEquals("close", header(response, "connection"));
        assertEquals(String.valueOf(body(response).length()), header(response, "content-length"));
        assertTrue(body(response).startsWith("path=/a\nurl=http://example.test/a?x=1\npath=/a\nmethod=GET\n"), response);
        assertTrue(body(response).contains("\nx-one=[1]\n"), response);
        assertEquals(header(response, "x-request-id").length(), 32, response);
        assertEquals(1, log.messagesWith("GET /a 200 ").size(), "its access-log line: " + log.messages());
    }

    @Test
    void anHttp10RequestWithoutHostIsServedAsLocalhost() {
        String response = exchange(echo.port(), "GET /b HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertTrue(body(response).contains("\nurl=http://localhost/b\n"), response);
    }

    @Test
    void anHttp10KeepAliveConnectionServesRequestsUntilOneComesWithoutKeepAlive() throws IOException {
        try (Socket socket = RawHttp.connect(echo.port())) {
            RawHttp.send(socket, "GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            String first = RawHttp.readResponse(socket);
            assertEquals("HTTP/1.1 200 OK", statusLine(first));
            assertEquals("keep-alive", header(first, "connection"));
            assertTrue(body(first).startsWith("path=/one\n"), first);

            RawHttp.send(socket, "POST /two HTTP/1.0\r\nConnection: Keep-Alive\r\nContent-Length: 3\r\n\r\nabc");
            String second = RawHttp.readResponse(socket);
            assertEquals("keep-alive", header(second, "connection"));
            assertTrue(body(second).startsWith("path=/two\n"), second);
            assertTrue(body(second).endsWith("\nbody=abc\n"), "the body reached the worker: " + second);

            RawHttp.send(socket, "GET /three HTTP/1.0\r\n\r\n");
            String third = RawHttp.readUntilClosed(socket);
            assertEquals("close", header(third, "connection"));
            assertTrue(body(third).startsWith("path=/three\n"), third);
        }
    }

    @Test
    void anHttp10StreamedResponseHasNoLengthAndEndsWithTheClose() {
        String response = exchange(hasher.port(), "GET /download?bytes=100000 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertEquals("close", header(response, "connection"), "HTTP/1.0 has no chunks: the close ends the body");
        assertNull(header(response, "content-length"));
        assertNull(header(response, "transfer-encoding"));
        assertEquals(100_000, body(response).length());
    }

    @Test
    void anHttp10HeadGetsTheHeadersOnly() {
        String response = exchange(echo.port(), "HEAD /h HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertTrue(Integer.parseInt(header(response, "content-length")) > 0, response);
        assertEquals("", body(response));
    }

    @Test
    void anHttp10RequestWithTransferEncodingIsRefused() {
        String response = exchange(hasher.port(), "POST /hash HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(response));
        assertEquals("Bad Request: an HTTP/1.0 request cannot have Transfer-Encoding; send Content-Length\n", body(response));
    }

    @Test
    void anHttp10RequestWithASpaceInItsTargetIs400() {
        String response = exchange(echo.port(), "GET /a b HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(response));
        assertTrue(body(response).startsWith("Bad Request: invalid request target: "), response);
    }

    @Test
    void otherVersionsGet505AndTheClose() {
        for (String version : List.of("HTTP/2.5", "HTTP/3.0", "HTTP/2")) {
            String response = exchange(echo.port(), "GET /notes " + version + "\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 505 HTTP Version Not Supported", statusLine(response), version);
            assertEquals("close", header(response, "connection"));
            assertEquals("HTTP Version Not Supported: this host speaks HTTP/1.1 and HTTP/1.0, not " + version + "\n",
                    body(response));
        }
        String nineStyle = exchange(echo.port(), "GET /notes\r\n\r\n");
        assertEquals("HTTP/1.1 505 HTTP Version Not Supported", statusLine(nineStyle));
        assertTrue(body(nineStyle).endsWith(", not HTTP/0.9\n"), nineStyle);
        assertEquals(List.of(), log.messagesWith("/notes "), "no worker saw them: " + log.messages());
    }

    @Test
    void anHttp11RequestThatAsksForTheCloseIsClosedAfterItsResponse() {
        // Helidon 4.5 alone would send "Connection: close" and then wait for another request (helidon#12324).
        String response = exchange(echo.port(), "GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertEquals("close", header(response, "connection"));
        assertTrue(body(response).startsWith("path=/bye\n"), response);
    }
}
