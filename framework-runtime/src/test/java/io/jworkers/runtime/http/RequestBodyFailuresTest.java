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
 * A request body that fails while a worker reads it (the hasher fixture reads every byte) is the
 * client's error: a malformed chunked encoding gets 400, a chunked body past {@code --max-body}
 * 413, both with the close; a client gone mid-body gets the close. Each is one log line, never a
 * stack trace, and the next request is served as before.
 */
class RequestBodyFailuresTest {

    private static final String CHUNKED_POST = "POST /hash HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

    @TempDir
    static Path dir;
    private static DevServer hasher;
    private static DevServer hello;
    private static DevServer reader;
    private static LogCapture log;

    @BeforeAll
    static void start() {
        log = new LogCapture("jworkers.ingress", "io.helidon");
        IngressSettings settings = IngressSettings.defaults("127.0.0.1", 0).withMaxBodyBytes(1024);
        hasher = DevServer.start(List.of(WorkerDirs.config(dir, "hasher", "{ \"name\": \"hasher\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("hasher"))))), null, settings);
        hello = DevServer.start(List.of(WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "hello" } }
                """.formatted(json(Fixtures.classes("hello"))))), null, settings);
        reader = DevServer.start(List.of(WorkerDirs.config(dir, "errors", "{ \"name\": \"errors\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("errors"))))), null, settings);
    }

    @AfterAll
    static void stop() {
        hasher.close();
        hello.close();
        reader.close();
        log.close();
    }

    @AfterEach
    void nothingElseChanged() {
        assertEquals(List.of(), log.stackTracesAndWarnings(), "no stack trace, no warning");
        log.clear();
        String response = exchange(hasher.port(), CHUNKED_POST.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response), "a good chunked body is served: " + response);
        assertTrue(body(response).endsWith(" 5"), response);
        log.clear();
    }

    @Test
    void aMalformedChunkedBodyIs400AndTheCloseWithOneLogLine() {
        String response = exchange(hasher.port(), CHUNKED_POST + "3\r\nabc\r\nzz\r\nmore\r\n0\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(response));
        assertEquals("close", header(response, "connection"));
        String id = header(response, "x-request-id");
        assertEquals("Bad Request: the request body's chunked encoding is malformed (request id " + id + ")\n", body(response));
        List<String> lines = log.messagesWith("request " + id);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("request " + id + ": the request body of client /127\\.0\\.0\\.1:\\d+ is malformed"
                + " \\(a chunk size is not a hexadecimal number\\); answered 400 and closed the connection"), lines.get(0));
        assertEquals(1, log.messagesWith("POST /hash 400 ").size(), log.messages().toString());
    }

    @Test
    void theAnswerDoesNotWaitForTheChunkThatTheGarbageAnnounces() throws IOException {
        // After "zz", "200" reads as a chunk of 512 bytes: Helidon's close of the body would wait
        // for them for as long as the client keeps the connection open, which this one does.
        // (The errors fixture reads the body with request.text(), which closes it after the failed read.)
        try (Socket socket = RawHttp.connect(reader.port())) {
            RawHttp.send(socket, CHUNKED_POST.replace("/hash", "/body-used") + "zz\r\n200\r\n0\r\n\r\n");
            String response = RawHttp.readUntilClosed(socket);
            assertEquals("HTTP/1.1 400 Bad Request", statusLine(response));
        }
    }

    @Test
    void aBrokenLastChunkIs400Too() {
        String response = exchange(hasher.port(), CHUNKED_POST + "3\r\nabc\r\n0\r\nnot the end\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine(response));
        assertEquals(1, log.messagesWith("is malformed (Invalid terminating chunk)").size(), log.messages().toString());
    }

    @Test
    void aChunkedBodyOverMaxBodyIs413AndTheClose() {
        String response = exchange(hasher.port(), CHUNKED_POST + "400\r\n" + "x".repeat(1024) + "\r\n10\r\n"
                + "y".repeat(16) + "\r\n0\r\n\r\n");
        assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine(response));
        assertEquals("close", header(response, "connection"));
        String id = header(response, "x-request-id");
        assertEquals("Request Entity Too Large: the request body is larger than the 1024 bytes allowed (request id " + id
                + ")\n", body(response));
        assertEquals(1, log.messagesWith("request " + id + ": the chunked body of client ").size(), log.messages().toString());
        assertEquals(1, log.messagesWith("grew past --max-body (1024 bytes); answered 413").size(), log.messages().toString());
    }

    @Test
    void aClientGoneMidBodyIsOneLogLineAndTheClose() throws IOException {
        for (String request : List.of("POST /hash HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "x".repeat(10),
                CHUNKED_POST + "a\r\n" + "x".repeat(10) + "\r\n", "POST /hash HTTP/1.0\r\nContent-Length: 100\r\n\r\n" + "x".repeat(10))) {
            try (Socket socket = RawHttp.connect(hasher.port())) {
                RawHttp.send(socket, request);
                socket.shutdownOutput();
                assertEquals("", RawHttp.readUntilClosed(socket), "no answer for a client that is gone: " + request);
            }
        }
        assertEquals(3, log.messagesWith("closed the connection after 10 bytes of its request body").size(),
                log.messages().toString());
        assertEquals(3, log.messagesWith("POST /hash " + IngressServer.CLIENT_GONE + " ").size(), log.messages().toString());
    }

    @Test
    void aMalformedBodyThatNoWorkerReadsOnlyClosesTheConnection() {
        // hello answers without reading; Helidon reads the rest to keep the connection and gives up on it.
        String response = exchange(hello.port(), "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nabc\r\n0\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response));
        assertTrue(body(response).startsWith("hello from hello at /x"), response);
    }
}
