package io.jworkers.runtime.cli;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jworkers.runtime.tail.TailHub;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jworkers tail} against a real host: the CLI runs in this JVM (as {@code Main.run}),
 * the worker's standard output and error go through {@link WorkerOutput} as in the real
 * process, requests are raw HTTP so their headers are exactly known.
 */
@Timeout(120)
class TailCommandTest {

    private static final String SECRET = "s3cret-token-value";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PrintStream originalOut;
    private static PrintStream originalErr;

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness host;
    private final List<Tail> tails = new ArrayList<>();

    @BeforeAll
    static void workerOutput() {
        // The root logger's console handler takes standard error now, before it is wrapped (as LogSetup's does).
        java.util.logging.Logger.getLogger("").getHandlers();
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(WorkerOutput.wrap(originalOut));
        System.setErr(WorkerOutput.wrap(originalErr, true));
    }

    @AfterAll
    static void restoreOutput() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @BeforeEach
    void deploy() throws IOException {
        host = ServeHarness.start(state, work);
        Path config = WorkerDirs.config(work, "tailee", """
                { "name": "tailee", "classpath": [%s], "routes": ["/*"], "secrets": { "required": ["TOKEN"] } }
                """.formatted(json(Fixtures.classes("tailee"))));
        Path secrets = Files.writeString(work.resolve(".secrets"), "TOKEN=" + SECRET + "\n");
        ServeHarness.Cli deployed = host.cli("", "deploy", "-c", config.toString(), "--secrets-file", secrets.toString());
        assertEquals(0, deployed.code(), deployed.out() + deployed.err());
    }

    @AfterEach
    void stop() {
        host.close();
        for (Tail tail : tails) {
            assertEquals(1, tail.code.join(), tail.err());
            assertTrue(tail.err().contains("jworkers tail: the host ended the tail (it is shutting down)"), tail.err());
        }
    }

    @Test
    void aJsonEventPerRequestCarriesItsOwnLinesWithCredentialsAndSecretsRedacted() throws Exception {
        Tail tail = tail("tailee", "--format", "json");
        assertEquals(200, status(request("GET", "/hello?id=1", "Authorization: Bearer abc", "Cookie: session=xyz",
                "X-Key: " + SECRET, "X-Other: plain")));
        List<String> events = tail.awaitLines(1);
        assertEquals("""
                {"outcome":"ok","scriptName":"tailee","environment":"production","version":1,"scriptVersion":{"id":"production/1"},\
                "entrypoint":"TaileeWorker",\
                "requestId":"ID","event":{"request":{"method":"GET","url":"http://127.0.0.1/hello?id=1","headers":{\
                "authorization":"REDACTED","connection":"close","cookie":"REDACTED","host":"127.0.0.1","x-key":"REDACTED",\
                "x-other":"plain"}},"response":{"status":200}},"logs":[\
                {"message":["hello 1"],"level":"log","timestamp":0},\
                {"message":["logged 1"],"level":"info","timestamp":0},\
                {"message":["to stderr 1"],"level":"error","timestamp":0}],\
                "exceptions":[],"eventTimestamp":0,"wallTime":0}""", normalised(events.get(0)));

        assertEquals(200, status(request("GET", "/secret")));
        JsonNode secret = JSON.readTree(tail.awaitLines(2).get(1));
        assertEquals("[{\"message\":[\"the token is REDACTED\"],\"level\":\"log\",\"timestamp\":0}]",
                normalised(secret.get("logs").toString()));
        assertTrue(!String.join("\n", tail.lines()).contains(SECRET), "a secret never appears");
    }

    @Test
    void twoConcurrentRequestsKeepTheirLinesApart() throws Exception {
        Tail tail = tail("tailee", "--format", "json");
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> a.complete(request("GET", "/pair?id=a")));
        Thread.ofPlatform().start(() -> b.complete(request("GET", "/pair?id=b")));
        assertEquals(200, status(a.join()));
        assertEquals(200, status(b.join()));
        for (String line : tail.awaitLines(2)) {
            JsonNode event = JSON.readTree(line);
            String id = event.at("/event/request/url").asText().endsWith("id=a") ? "a" : "b";
            assertEquals(("[{\"message\":[\"X first\"],\"level\":\"log\",\"timestamp\":0},"
                    + "{\"message\":[\"X between\"],\"level\":\"warn\",\"timestamp\":0},"
                    + "{\"message\":[\"X second\"],\"level\":\"log\",\"timestamp\":0}]").replace("X", id),
                    normalised(event.get("logs").toString()));
        }
    }

    @Test
    void theStatusFilterPassesOnlyFailedRequestsWithTheirException() throws Exception {
        Tail tail = tail("tailee", "--format", "json", "--status", "error");
        assertEquals(200, status(request("GET", "/hello?id=fine")));
        assertEquals(500, status(request("GET", "/boom?id=bad")));
        List<String> events = tail.awaitLines(1);
        JsonNode event = JSON.readTree(events.get(0));
        assertEquals("exception", event.get("outcome").asText());
        assertEquals(500, event.at("/event/response/status").asInt());
        assertEquals("[{\"message\":[\"about to fail bad\"],\"level\":\"log\",\"timestamp\":0}]",
                normalised(event.get("logs").toString()));
        assertEquals("[{\"name\":\"java.lang.IllegalStateException\",\"message\":\"boom bad\",\"timestamp\":0}]",
                normalised(event.get("exceptions").toString()));
        assertEquals(500, status(request("GET", "/boom?id=ignored")));
        assertEquals(2, tail.awaitLines(2).size());
        assertEquals("boom ignored", JSON.readTree(tail.lines().get(1)).at("/exceptions/0/message").asText());
    }

    @Test
    void theMethodAndSearchFiltersApplyOnTheHost() throws Exception {
        Tail tail = tail("tailee", "--format", "json", "--method", "post", "--search", "needle");
        assertEquals(200, status(request("GET", "/hello?id=needle")));
        assertEquals(200, status(request("POST", "/hello?id=hay")));
        assertEquals(200, status(request("POST", "/hello?id=needle")));
        assertEquals(200, status(request("POST", "/quiet?id=needle")));
        List<String> events = tail.awaitLines(2);
        assertEquals("http://127.0.0.1/hello?id=needle", JSON.readTree(events.get(0)).at("/event/request/url").asText());
        assertEquals("POST", JSON.readTree(events.get(0)).at("/event/request/method").asText());
        assertEquals("http://127.0.0.1/quiet?id=needle", JSON.readTree(events.get(1)).at("/event/request/url").asText());
    }

    @Test
    void thePrettyFormatIsALinePerRequestAndItsLogLines() {
        Tail tail = tail("tailee");
        assertEquals(200, status(request("GET", "/hello?id=p")));
        assertEquals(500, status(request("GET", "/boom?id=q")));
        List<String> lines = tail.awaitLines(7);
        assertEquals(List.of(
                "GET http://127.0.0.1/hello?id=p - Ok 200 @ TIME (N ms, tailee@1)",
                "  (log) hello p",
                "  (info) logged p",
                "  (error) to stderr p",
                "GET http://127.0.0.1/boom?id=q - Exception Thrown 500 @ TIME (N ms, tailee@1)",
                "  (log) about to fail q",
                "  (exception) java.lang.IllegalStateException: boom q"),
                lines.stream().map(line -> line.replaceAll("@ \\S+Z \\(\\d+ ms", "@ TIME (N ms")).toList());
    }

    @Test
    void againstDevALoopbackHostNeedsNoToken() throws Exception {
        Path config = WorkerDirs.config(work, "dev-tailee", """
                { "name": "tailee", "classpath": [%s], "routes": ["/*"], "secrets": { "required": ["TOKEN"] } }
                """.formatted(json(Fixtures.classes("tailee"))));
        WorkerDirs.write(config.resolveSibling(".dev.vars"), "TOKEN=" + SECRET + "\n");
        try (io.jworkers.runtime.dev.DevServer dev = io.jworkers.runtime.dev.DevServer.start(List.of(config), null, "127.0.0.1", 0)) {
            io.jworkers.runtime.dev.DevAdminServer admin = dev.startAdmin(0, routing -> { });
            // No --token-file and no JWORKERS_ADMIN_TOKEN (Main.run gets an empty environment).
            Tail tail = new Tail(List.of("tail", "tailee", "--format", "json", "--host", admin.url()));
            tails.add(tail);
            tail.await(err -> err.contains("Connected to tailee in production, waiting for requests..."));
            assertEquals(200, status(request(URI.create(dev.url()), "GET", "/hello?id=dev", "X-Key: " + SECRET)));
            JsonNode event = JSON.readTree(tail.awaitLines(1).get(0));
            assertEquals("ok", event.get("outcome").asText());
            assertEquals("tailee", event.get("scriptName").asText());
            assertEquals(1, event.get("version").asInt());
            assertEquals("REDACTED", event.at("/event/request/headers/x-key").asText());
            assertEquals("[{\"message\":[\"hello dev\"],\"level\":\"log\",\"timestamp\":0},"
                    + "{\"message\":[\"logged dev\"],\"level\":\"info\",\"timestamp\":0},"
                    + "{\"message\":[\"to stderr dev\"],\"level\":\"error\",\"timestamp\":0}]",
                    normalised(event.get("logs").toString()));
        }
        // Closing dev ends the tail as serve's shutdown does (checked after each test).
    }

    @Test
    void withoutATokenServeStillRefusesALoopbackHostAndAnotherHostNeedsOne() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("tail", "tailee", "--host", host.adminUrl()), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(1, code, err.toString(StandardCharsets.UTF_8));
        assertEquals("jworkers tail: Missing or wrong admin token: send Authorization: Bearer <token> (the token of"
                + " --token-file or JWORKERS_ADMIN_TOKEN)\n", err.toString(StandardCharsets.UTF_8));

        err.reset();
        code = Main.run(List.of("tail", "tailee", "--host", "http://192.0.2.1:9090"), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("jworkers tail: no admin token: set JWORKERS_ADMIN_TOKEN"
                + " or pass --token-file FILE (the token the host was started with)\n"), err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTailBeyondTheLimitIsRefused() throws Exception {
        List<Socket> listening = new ArrayList<>();
        try {
            for (int i = 0; i < TailHub.DEFAULT_MAX_TAILS; i++) {
                listening.add(rawTail(0));
            }
            ServeHarness.Cli refused = host.cli("", "tail", "tailee");
            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertEquals("jworkers tail: 10 tails already listen on this host, the most it allows; stop one (Ctrl-C in its"
                    + " terminal) and try again\n", refused.err());
        } finally {
            for (Socket socket : listening) {
                socket.close();
            }
        }
    }

    @Test
    void aTailThatNeverReadsNeitherSlowsNorFailsRequestsAndHearsOfTheDroppedEvents() throws Exception {
        try (Socket stuck = rawTail(4096)) {
            String pad = "x".repeat(12 * 1024);
            int requests = 1000;
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < requests; i++) {
                java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                        URI.create(host.url() + "/quiet?id=" + i)).header("x-pad", pad).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
            }
            // Now read: the events sent and queued, and the counts of those that did not fit (the body is chunked).
            InputStream in = stuck.getInputStream();
            StringBuilder seen = new StringBuilder();
            int events = 0;
            long dropped = 0;
            while (events + dropped < requests) {
                seen.append(new String(nextChunk(in), StandardCharsets.UTF_8));
                int end;
                while ((end = seen.indexOf("\n\n")) >= 0) {
                    String message = seen.substring(0, end);
                    seen.delete(0, end + 2);
                    if (message.startsWith("event: dropped\ndata: ")) {
                        dropped += JSON.readTree(message.substring(message.indexOf("data: ") + 6)).get("dropped").asLong();
                    } else if (message.startsWith("data: ")) {
                        events++;
                    }
                }
            }
            assertTrue(dropped > 0, "dropped " + dropped);
            assertEquals(requests, events + dropped, "every event is either sent or counted");
        }
    }

    @Test
    void aStreamCutBeforeItsEndIsReportedAsABrokenConnectionWithWhatBroke() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    String listening = ": listening for tailee in production\n\n";
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                            + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(listening.length()) + "\r\n"
                            + listening + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    // Closed here, without the chunk that ends the body: what a host that dies looks like.
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String url = "http://127.0.0.1:" + server.getLocalPort();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(List.of("tail", "tailee", "--host", url, "--token-file", host.tokenFile().toString()),
                    InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            assertEquals(1, code);
            assertEquals("Connected to tailee in production, waiting for requests... (Ctrl-C to stop)\n"
                    + "jworkers tail: the connection to " + url + " broke: EOF reached while reading\n",
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    // One chunk of a chunked body (the first chunk's header was read with the response head).
    private static byte[] nextChunk(InputStream in) throws IOException {
        StringBuilder size = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            assertTrue(b >= 0, "the stream ended");
            if (b != '\r') {
                size.append((char) b);
            }
        }
        if (size.isEmpty()) {
            return nextChunk(in); // the CRLF that ends the previous chunk
        }
        int length = Integer.parseInt(size.toString().split(";")[0].strip(), 16);
        assertTrue(length > 0, "the stream ended");
        return in.readNBytes(length);
    }

    // A tail over a raw connection that reads only the start of the stream; receiveBuffer 0 leaves it as is.
    private Socket rawTail(int receiveBuffer) throws IOException {
        URI admin = URI.create(host.adminUrl());
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(admin.getHost(), admin.getPort()));
        OutputStream out = socket.getOutputStream();
        out.write(("GET /v1/workers/tailee/tail HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ServeHarness.TOKEN
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains(": listening for tailee in production\n\n")) {
            int b = in.read();
            assertTrue(b >= 0, "the stream ended: " + head);
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200 OK\r\n"), head.toString());
        return socket;
    }

    private Tail tail(String... args) {
        List<String> all = new ArrayList<>(List.of("tail"));
        all.addAll(List.of(args));
        all.addAll(List.of("--host", host.adminUrl(), "--token-file", host.tokenFile().toString()));
        Tail tail = new Tail(all);
        tails.add(tail);
        tail.await(err -> err.contains("Connected to tailee in production, waiting for requests..."));
        return tail;
    }

    private static String normalised(String json) throws IOException {
        JsonNode node = JSON.readTree(json);
        if (node instanceof ObjectNode event && event.has("requestId")) {
            event.put("requestId", "ID");
        }
        return JSON.writeValueAsString(node).replaceAll("\"(timestamp|eventTimestamp|wallTime)\":\\d+", "\"$1\":0");
    }

    // A raw HTTP/1.1 request with exactly these headers (and Host, Connection: close); the whole response.
    private String request(String method, String target, String... headers) {
        return request(URI.create(host.url()), method, target, headers);
    }

    private static String request(URI url, String method, String target, String... headers) {
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            StringBuilder text = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String header : headers) {
                text.append(header).append("\r\n");
            }
            text.append(method.equals("POST") ? "Content-Length: 0\r\n" : "").append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(text.toString().getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    /** {@code jworkers tail} running in this JVM on a thread of its own. */
    private static final class Tail {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> code = new CompletableFuture<>();

        Tail(List<String> args) {
            PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().name("tail-cli").start(() -> code.complete(
                    Main.run(args, InputStream.nullInputStream(), outStream, errStream, Map.of())));
        }

        synchronized List<String> lines() {
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        }

        synchronized String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        List<String> awaitLines(int count) {
            while (lines().size() < count) {
                pause();
            }
            return lines();
        }

        void await(Predicate<String> errSays) {
            while (!errSays.test(err())) {
                assertTrue(!code.isDone(), "the tail ended: " + err());
                pause();
            }
        }

        private static void pause() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
