package io.jworkers.runtime.tail;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jworkers.runtime.cli.Main;
import io.jworkers.runtime.pipeline.Callee;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.trace.HopTags;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live tails of workers reached through service bindings, against a real host: the
 * {@code tailchain} fixture deployed as gateway (public) → auth (private, with a secret) →
 * optionally app (private), requests over HTTP, tails read as server-sent events from the admin
 * API. Each binding call into a tailed worker is one event of that worker, with its own lines.
 */
@Timeout(120)
class BindingTailTest {

    private static final String SECRET = "auth-secret-value";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness host;
    private final List<Sse> tails = new ArrayList<>();

    @BeforeEach
    void start() {
        host = ServeHarness.start(state, work);
    }

    @AfterEach
    void stop() {
        host.close();
        for (Sse tail : tails) {
            tail.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpc", "call"})
    void aTailOfAWorkerReachedOnlyOverRpcSeesOneEventPerCallWithItsOwnLines(String mode) throws Exception {
        deploy(mode, false);
        Sse auth = tail("auth", Map.of());
        assertEquals("gateway>auth", get("/a", "req-1"));
        assertEquals("gateway>auth", get("/b", "req-2"));
        List<JsonNode> events = auth.await(2);
        assertEquals("""
                {"outcome":"ok","scriptName":"auth","environment":"production","version":1,\
                "scriptVersion":{"id":"production/1"},"entrypoint":"ChainWorker","requestId":"req-1",\
                "event":{"rpcMethod":"handle"},\
                "logs":[{"message":["auth saw /a"],"level":"info","timestamp":0}],\
                "exceptions":[],"eventTimestamp":0,"wallTime":0}""", normalised(events.get(0)));
        assertEquals("req-2", events.get(1).get("requestId").asText());
        assertEquals("[{\"message\":[\"auth saw /b\"],\"level\":\"info\",\"timestamp\":0}]",
                normalised(events.get(1).get("logs")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fetch", "async"})
    void aFetchThroughABindingIsAnEventWithTheRequestRedactedAndTheStatus(String mode) throws Exception {
        deploy(mode, false);
        Sse auth = tail("auth", Map.of());
        assertEquals("gateway>auth", get("/a", "req-1"));
        assertEquals("""
                {"outcome":"ok","scriptName":"auth","environment":"production","version":1,\
                "scriptVersion":{"id":"production/1"},"entrypoint":"ChainWorker","requestId":"req-1",\
                "event":{"request":{"method":"POST","url":"http://next/a","headers":{"authorization":"REDACTED",\
                "content-type":"text/plain;charset=UTF-8","x-key":"REDACTED","x-plain":"yes"}},"response":{"status":200}},\
                "logs":[{"message":["auth saw /a"],"level":"info","timestamp":0}],\
                "exceptions":[],"eventTimestamp":0,"wallTime":0}""", normalised(auth.await(1).get(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpc", "fetch"})
    void anExceptionThrownInTheCalleeIsTheOutcomeOfItsEventWithItsSecretRedacted(String mode) throws Exception {
        deploy(mode, false);
        Sse auth = tail("auth", Map.of());
        assertEquals(500, status("/boom", "req-boom"));
        JsonNode event = auth.await(1).get(0);
        assertEquals("exception", event.get("outcome").asText());
        assertEquals("req-boom", event.get("requestId").asText());
        assertEquals(mode.equals("rpc") ? "{\"rpcMethod\":\"handle\"}"
                : "{\"request\":{\"method\":\"POST\",\"url\":\"http://next/boom\",\"headers\":{\"authorization\":\"REDACTED\","
                        + "\"content-type\":\"text/plain;charset=UTF-8\",\"x-key\":\"REDACTED\",\"x-plain\":\"yes\"}}}", // no response: the callee threw
                normalised(event.get("event")));
        assertEquals("[{\"message\":[\"auth saw /boom\"],\"level\":\"info\",\"timestamp\":0}]", normalised(event.get("logs")));
        assertEquals("[{\"name\":\"java.lang.IllegalStateException\",\"message\":\"boom in auth holding REDACTED\","
                + "\"timestamp\":0}]", normalised(event.get("exceptions")));
        assertTrue(!auth.raw().contains(SECRET), auth.raw());
    }

    @Test
    void theTopLevelWorkersTailStillGetsExactlyItsOneEventWithTheCalleesLinesPrefixed() throws Exception {
        deploy("rpc", true);
        Sse gateway = tail("gateway", Map.of());
        Sse auth = tail("auth", Map.of());
        assertEquals("gateway>auth>app", get("/a", "req-1"));
        assertEquals("gateway>auth>app", get("/b", "req-2"));
        List<JsonNode> events = gateway.await(2);
        assertEquals("""
                {"outcome":"ok","scriptName":"gateway","environment":"production","version":1,\
                "scriptVersion":{"id":"production/1"},"entrypoint":"ChainWorker","requestId":"req-1",\
                "event":{"request":{"method":"GET","url":"http://127.0.0.1:PORT/a","headers":{"host":"127.0.0.1:PORT",\
                "user-agent":"UA","x-request-id":"req-1"}},"response":{"status":200}},\
                "logs":[{"message":["gateway saw /a"],"level":"info","timestamp":0},\
                {"message":["gateway before"],"level":"info","timestamp":0},\
                {"message":["[auth] auth saw /a"],"level":"info","timestamp":0},\
                {"message":["[auth] auth before"],"level":"info","timestamp":0},\
                {"message":["[app] app saw /a"],"level":"info","timestamp":0},\
                {"message":["[auth] auth after"],"level":"info","timestamp":0},\
                {"message":["gateway after"],"level":"info","timestamp":0}],\
                "exceptions":[],"eventTimestamp":0,"wallTime":0}""", normalised(events.get(0)));
        assertEquals("req-2", events.get(1).get("requestId").asText(), "one event per request, nothing between");
        // auth's tail: its own calls, its own lines (app's are not its), the same request ids.
        List<JsonNode> authEvents = auth.await(2);
        assertEquals(List.of("auth:req-1", "auth:req-2"), authEvents.stream()
                .map(e -> e.get("scriptName").asText() + ":" + e.get("requestId").asText()).toList());
        assertEquals("[{\"message\":[\"auth saw /a\"],\"level\":\"info\",\"timestamp\":0},"
                + "{\"message\":[\"auth before\"],\"level\":\"info\",\"timestamp\":0},"
                + "{\"message\":[\"auth after\"],\"level\":\"info\",\"timestamp\":0}]",
                normalised(authEvents.get(0).get("logs")));
    }

    @Test
    void anotherWorkersSecretIsRedactedInTheEventOfTheWorkerThatReceivedIt() throws Exception {
        deploy("rpc", false);
        Sse gateway = tail("gateway", Map.of());
        // The client sends the token auth holds as its secret; gateway has no secret of its own.
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(host.url() + "/q?t=" + SECRET))
                .header("x-request-id", "req-1").header("x-custom-token", SECRET).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode request = gateway.await(1).get(0).at("/event/request");
        assertEquals("REDACTED", request.at("/headers/x-custom-token").asText(), request.toString());
        assertTrue(request.get("url").asText().endsWith("/q?t=REDACTED"), request.toString());
        assertTrue(!request.toString().contains(SECRET), request.toString());
    }

    @Test
    void anHttp10RequestIsAnEventOfItsWorkerAndOfTheWorkersItCalls() throws Exception {
        deploy("rpc", false);
        Sse gateway = tail("gateway", Map.of());
        Sse auth = tail("auth", Map.of());
        String response = io.jworkers.runtime.testing.RawHttp.exchange(URI.create(host.url()).getPort(),
                "GET /old?x=1 HTTP/1.0\r\nHost: legacy.example\r\nx-request-id: req-10\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", io.jworkers.runtime.testing.RawHttp.statusLine(response), response);
        JsonNode event = gateway.await(1).get(0);
        assertEquals("""
                {"request":{"method":"GET","url":"http://legacy.example/old?x=1","headers":{"host":"legacy.example",\
                "x-request-id":"req-10"}},"response":{"status":200}}""", event.get("event").toString());
        assertEquals("req-10", event.get("requestId").asText());
        assertEquals("{\"rpcMethod\":\"handle\"}", auth.await(1).get(0).get("event").toString());
    }

    @Test
    void aWorkerNobodyTailsMakesNoEvent() throws Exception {
        deploy("rpc", true);
        Sse auth = tail("auth", Map.of());
        assertEquals("gateway>auth>app", get("/a", "req-1"));
        assertEquals("gateway>auth>app", get("/b", "req-2"));
        // Only auth's calls are events: app's call (nobody tails it) and gateway's request are not.
        assertEquals(List.of("auth:req-1", "auth:req-2"), auth.await(2).stream()
                .map(e -> e.get("scriptName").asText() + ":" + e.get("requestId").asText()).toList());
        assertEquals(0, auth.events.size(), "nothing else arrived");
        // Inside: a call into a worker nobody tails is no invocation at all (no event is made).
        TailHub hub = host.serve().tails();
        RequestLog log = new RequestLog(hub, "req-3");
        assertEquals(null, log.called(callee("app", null), null));
        assertEquals(null, log.called(callee("auth", "staging"), null), "a tail listens in one environment");
        assertTrue(log.called(callee("auth", "production"), null) != null);
    }

    private static Callee callee(String worker, String environment) {
        return new Callee(worker, BindingTailTest.class.getClassLoader(), null, "{}", worker, new LongAdder(),
                new HopTags(worker, 1, environment, "NEXT", "handle"),
                new TailTarget(worker, environment == null ? "production" : environment, 1, "production/1", "ChainWorker",
                        null));
    }

    @Test
    void theStatusFilterPassesOnlyTheCallsThatThrew() throws Exception {
        deploy("rpc", false);
        Sse errors = tail("auth", Map.of("status", "error"));
        Sse oks = tail("auth", Map.of("status", "ok"));
        assertEquals(200, status("/a", "req-1"));
        assertEquals(500, status("/boom", "req-2"));
        assertEquals(200, status("/c", "req-3"));
        assertEquals(500, status("/boom", "req-4"));
        assertEquals(List.of("exception:req-2", "exception:req-4"), outcomes(errors.await(2)));
        assertEquals(List.of("ok:req-1", "ok:req-3"), outcomes(oks.await(2)));
    }

    @Test
    void theSearchFilterLooksAtTheCallsLines() throws Exception {
        deploy("fetch", false);
        Sse search = tail("auth", Map.of("search", "saw /needle"));
        assertEquals(200, status("/hay", "req-1"));
        assertEquals(200, status("/needle", "req-2"));
        assertEquals(200, status("/hay2", "req-3"));
        assertEquals(200, status("/needle2", "req-4"));
        assertEquals(List.of("ok:req-2", "ok:req-4"), outcomes(search.await(2)));
    }

    @Test
    void theMethodFilterPassesFetchCallsOfThatMethodAndNoRpcCall() throws Exception {
        deploy("both", false); // each request: a typed RPC call into auth, then a POST
        Sse post = tail("auth", Map.of("method", "post"));
        Sse all = tail("auth", Map.of());
        assertEquals(200, status("/a", "req-1"));
        assertEquals(200, status("/b", "req-2"));
        assertEquals(List.of("handle:req-1", "POST:req-1", "handle:req-2", "POST:req-2"), kinds(all.await(4)));
        assertEquals(List.of("POST:req-1", "POST:req-2"), kinds(post.await(2)));
    }

    private static List<String> kinds(List<JsonNode> events) {
        return events.stream().map(e -> (e.at("/event/rpcMethod").isMissingNode() ? e.at("/event/request/method").asText()
                : e.at("/event/rpcMethod").asText()) + ":" + e.get("requestId").asText()).toList();
    }

    @Test
    void thePrettyFormatShowsAnRpcCallByItsMethod() throws Exception {
        deploy("rpc", false);
        CliTail tail = new CliTail(host, "auth");
        assertEquals(200, status("/a", "req-1"));
        assertEquals(500, status("/boom", "req-2"));
        assertEquals(List.of(
                "RPC handle - Ok @ TIME (N ms, auth@1)",
                "  (info) auth saw /a",
                "RPC handle - Exception Thrown @ TIME (N ms, auth@1)",
                "  (info) auth saw /boom",
                "  (exception) java.lang.IllegalStateException: boom in auth holding REDACTED"),
                tail.awaitLines(5).stream().map(line -> line.replaceAll("@ \\S+Z \\(\\d+ ms", "@ TIME (N ms")).toList());
        host.close();
        assertEquals(1, tail.code.get(30, TimeUnit.SECONDS));
    }

    private static List<String> outcomes(List<JsonNode> events) {
        return events.stream().map(e -> e.get("outcome").asText() + ":" + e.get("requestId").asText()).toList();
    }

    // gateway → auth (with the TOKEN secret, which gateway's KEY var holds too) [→ app], each call made the way mode says.
    private void deploy(String mode, boolean withApp) throws IOException {
        Path secrets = Files.writeString(work.resolve(".secrets"), "TOKEN=" + SECRET + "\n");
        if (withApp) {
            deploy(config("app", null, mode, ""), null);
        }
        deploy(config("auth", withApp ? "app" : null, mode, "\"secrets\": { \"required\": [\"TOKEN\"] },"), secrets);
        deploy(config("gateway", "auth", mode, "\"routes\": [\"/*\"],"), null);
    }

    private void deploy(Path config, Path secrets) {
        ServeHarness.Cli deployed = secrets == null ? host.cli("", "deploy", "-c", config.toString())
                : host.cli("", "deploy", "-c", config.toString(), "--secrets-file", secrets.toString());
        assertEquals(0, deployed.code(), deployed.out() + deployed.err());
    }

    private Path config(String name, String next, String mode, String extra) {
        String services = next == null ? "" : "\"services\": [{ \"binding\": \"NEXT\", \"service\": \"" + next + "\" }],";
        return WorkerDirs.config(work, name, """
                { "name": "%s", "classpath": [%s], %s %s
                  "vars": { "NAME": "%s", "MODE": "%s", "KEY": "%s" } }
                """.formatted(name, json(Fixtures.classes("tailchain")), extra, services, name, mode, SECRET));
    }

    private String get(String path, String requestId) throws IOException, InterruptedException {
        HttpResponse<String> response = send(path, requestId);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private int status(String path, String requestId) throws IOException, InterruptedException {
        return send(path, requestId).statusCode();
    }

    private HttpResponse<String> send(String path, String requestId) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(host.url() + path)).header("x-request-id", requestId).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Sse tail(String worker, Map<String, String> filters) throws Exception {
        Sse tail = new Sse(host, worker, filters);
        tails.add(tail);
        return tail;
    }

    private static String normalised(JsonNode node) throws IOException {
        JsonNode copy = node.deepCopy();
        if (copy instanceof ObjectNode event && event.has("event")) {
            JsonNode headers = event.at("/event/request/headers");
            if (headers instanceof ObjectNode named && named.has("user-agent")) {
                named.put("user-agent", "UA");
            }
        }
        return JSON.writeValueAsString(copy).replaceAll("\"(timestamp|eventTimestamp|wallTime)\":\\d+", "\"$1\":0")
                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT");
    }

    /** {@code jworkers tail NAME} (pretty) running in this JVM on a thread of its own. */
    private static final class CliTail {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final CompletableFuture<Integer> code = new CompletableFuture<>();

        CliTail(ServeHarness host, String worker) throws InterruptedException {
            PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
            List<String> args = List.of("tail", worker, "--host", host.adminUrl(), "--token-file", host.tokenFile().toString());
            Thread.ofPlatform().daemon().name("tail-cli").start(() -> code.complete(
                    Main.run(args, java.io.InputStream.nullInputStream(), outStream, errStream, Map.of())));
            while (!err().contains("waiting for requests")) {
                assertTrue(!code.isDone(), "the tail ended: " + err());
                Thread.sleep(10);
            }
        }

        synchronized List<String> lines() {
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        }

        synchronized String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        List<String> awaitLines(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines().size() < count) {
                assertTrue(System.nanoTime() < deadline, "only " + lines());
                Thread.sleep(10);
            }
            return lines();
        }
    }

    /** A tail read as server-sent events from the admin API, from a thread of its own. */
    private static final class Sse {
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final StringBuilder raw = new StringBuilder();
        private final CompletableFuture<Void> listening = new CompletableFuture<>();
        private final CompletableFuture<Stream<String>> lines = new CompletableFuture<>();

        Sse(ServeHarness host, String worker, Map<String, String> filters) throws Exception {
            StringBuilder query = new StringBuilder("?env=production");
            for (Map.Entry<String, String> filter : new LinkedHashMap<>(filters).entrySet()) {
                query.append('&').append(filter.getKey()).append('=')
                        .append(URLEncoder.encode(filter.getValue(), StandardCharsets.UTF_8));
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(host.adminUrl() + "/v1/workers/" + worker + "/tail" + query))
                    .header("authorization", "Bearer " + ServeHarness.TOKEN).build();
            Thread.ofPlatform().daemon().name("sse-" + worker).start(() -> read(request));
            listening.get(30, TimeUnit.SECONDS);
        }

        private void read(HttpRequest request) {
            try {
                HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
                lines.complete(response.body());
                response.body().forEach(line -> {
                    synchronized (raw) {
                        raw.append(line).append('\n');
                    }
                    if (line.startsWith(": listening for ")) {
                        listening.complete(null);
                    } else if (line.startsWith("data: ")) {
                        try {
                            events.add(JSON.readTree(line.substring("data: ".length())));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                listening.completeExceptionally(e); // the host closed; nothing more comes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        List<JsonNode> await(int count) throws InterruptedException {
            List<JsonNode> taken = new ArrayList<>();
            while (taken.size() < count) {
                JsonNode event = events.poll(30, TimeUnit.SECONDS);
                assertTrue(event != null, "no event came; so far: " + taken + "\n" + raw());
                taken.add(event);
            }
            return taken;
        }

        String raw() {
            synchronized (raw) {
                return raw.toString();
            }
        }

        void close() {
            lines.thenAccept(Stream::close);
        }
    }
}
