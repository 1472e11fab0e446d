package io.jworkers.runtime.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jworkers.runtime.dev.DevAdminServer;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the live tail on {@code jworkers dev}'s admin listener, over raw HTTP so that
 * the {@code Host} header is exactly what a test says: no login, but only loopback Host headers
 * with the listener's port; a POST needs the CSRF token of a page and is refused anyway (dev does
 * not deploy); {@code GET /v1/workers/gateway/tail} streams the gateway's requests.
 */
@Timeout(120)
class DevDashboardTest {

    private static final String SECRET_TOKEN = "dev-secret-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    private DevServer dev;
    private DevAdminServer admin;

    @BeforeEach
    void start() {
        dev = DevServer.start(ExampleWorkers.devConfigs(work, SECRET_TOKEN), null, "127.0.0.1", 0);
        admin = dev.startAdmin(0, routing -> { });
    }

    @AfterEach
    void stop() {
        dev.close();
    }

    private String get(String path, String host, String... headers) {
        return RawHttp.exchange(admin.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + String.join("", headers)
                + "Connection: close\r\n\r\n");
    }

    private String post(String path, String body, String... headers) {
        return RawHttp.exchange(admin.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + admin.port() + "\r\n"
                + String.join("", headers) + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    private String refusal(String host) {
        int port = admin.port();
        return "Refused: this listener answers only requests addressed to 127.0.0.1:" + port + " or localhost:" + port
                + ", not \"" + host + "\" (a guard against DNS rebinding: open http://127.0.0.1:" + port + "/)\n";
    }

    @Test
    void aHostHeaderThatIsNotALoopbackNameWithTheListenersPortIsRefused() {
        int port = admin.port();
        for (String path : new String[] {"/", "/ui/workers/gateway?env=production", "/ui/assets/dashboard.js", "/metrics",
                "/v1/workers/gateway/tail"}) {
            String refused = get(path, "rebound.example:" + port);
            assertEquals("HTTP/1.1 403 Forbidden", RawHttp.statusLine(refused), path);
            assertEquals(refusal("rebound.example:" + port), RawHttp.body(refused), path);
        }
        String otherPort = get("/", "127.0.0.1:1");
        assertEquals("HTTP/1.1 403 Forbidden", RawHttp.statusLine(otherPort));
        assertEquals(refusal("127.0.0.1:1"), RawHttp.body(otherPort));
        String noPort = get("/", "localhost");
        assertEquals("HTTP/1.1 403 Forbidden", RawHttp.statusLine(noPort));
        assertEquals(refusal("localhost"), RawHttp.body(noPort));

        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port}) {
            String page = get("/", host);
            assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(page), host);
            assertTrue(RawHttp.body(page).contains("<tr data-worker=\"gateway\" data-env=\"production\">"), page);
        }
    }

    @Test
    void theFirstPageOpensASessionWithoutLoginAndAPostNeedsItsCsrfTokenAndIsRefusedAnyway() {
        int port = admin.port();
        String page = get("/ui/workers/application?env=production", "127.0.0.1:" + port);
        assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(page));
        String cookie = RawHttp.header(page, "set-cookie");
        assertNotNull(cookie, page);
        assertTrue(cookie.matches(Dashboard.COOKIE + "=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict"), cookie);
        String session = cookie.substring(0, cookie.indexOf(';'));
        Matcher csrf = Pattern.compile("X-CSRF-Token&quot;: &quot;([A-Za-z0-9_-]+)&quot;").matcher(page);
        assertTrue(csrf.find(), page);
        // Read-only: no rollback, split or promote form, no logout; the version dev runs.
        assertTrue(!page.contains("<form"), page);
        assertTrue(page.contains("<b id=\"current-version\">1</b>"), page);
        assertTrue(page.contains("loaded when jworkers dev started"), page);

        String body = "env=production&version=1";
        String csrfRefusal = "Refused: missing or wrong CSRF token; reload the page and try again\n";
        String withoutSession = post("/ui/workers/application/rollback", body);
        assertEquals("HTTP/1.1 403 Forbidden", RawHttp.statusLine(withoutSession));
        assertEquals(csrfRefusal, RawHttp.body(withoutSession));
        String withoutToken = post("/ui/workers/application/rollback", body, "Cookie: " + session + "\r\n");
        assertEquals("HTTP/1.1 403 Forbidden", RawHttp.statusLine(withoutToken));
        assertEquals(csrfRefusal, RawHttp.body(withoutToken));
        String wrongToken = post("/ui/workers/application/rollback", body + "&_csrf=not-the-token", "Cookie: " + session + "\r\n");
        assertEquals("HTTP/1.1 403 Forbidden", RawHttp.statusLine(wrongToken));
        assertEquals(csrfRefusal, RawHttp.body(wrongToken));

        // With the page's token the POST is taken, and refused: dev has no deployments.
        String taken = post("/ui/workers/application/rollback", body, "Cookie: " + session + "\r\n",
                "X-CSRF-Token: " + csrf.group(1) + "\r\n");
        assertEquals("HTTP/1.1 303 See Other", RawHttp.statusLine(taken));
        assertEquals("/ui/workers/application?env=production", RawHttp.header(taken, "location"));
        String after = get("/ui/workers/application?env=production", "127.0.0.1:" + port, "Cookie: " + session + "\r\n");
        assertTrue(after.contains("<p class=\"flash refused\" id=\"flash\" role=\"status\">Refused: dev runs the workers from"
                + " your build folders; deployments are for jworkers serve</p>"), after);
        assertEquals(null, RawHttp.header(after, "set-cookie"), "the session is kept");

        // There is no login to post to.
        String login = get("/ui/login", "127.0.0.1:" + port);
        assertEquals("HTTP/1.1 303 See Other", RawHttp.statusLine(login));
        assertEquals("/", RawHttp.header(login, "location"));
    }

    @Test
    void theTailOfTheGatewayStreamsAnEventForARequest() throws Exception {
        try (Socket tail = RawHttp.connect(admin.port())) {
            RawHttp.send(tail, "GET /v1/workers/gateway/tail HTTP/1.1\r\nHost: 127.0.0.1:" + admin.port() + "\r\n\r\n");
            String head = readUntil(tail.getInputStream(), ": listening for gateway in production\n\n");
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertEquals("text/event-stream; charset=utf-8", RawHttp.header(head, "content-type"));
            assertEquals(1, dev.tails().listening());

            var response = Http.get(dev.url() + "/notes?page=1", "x-custom-token", SECRET_TOKEN);
            assertEquals(200, response.statusCode(), response.body());
            String data = "";
            while (!data.contains("data: {")) { // heartbeats (":") may come first
                data = readUntil(tail.getInputStream(), "\n\n").strip();
            }
            JsonNode event = JSON.readTree(data.substring(data.indexOf("data: ") + 6));
            assertEquals("ok", event.get("outcome").asText());
            assertEquals("gateway", event.get("scriptName").asText());
            assertEquals("production", event.get("environment").asText());
            assertEquals(1, event.get("version").asInt());
            assertEquals("GET", event.at("/event/request/method").asText());
            assertEquals("http://127.0.0.1:" + dev.port() + "/notes?page=1", event.at("/event/request/url").asText());
            assertEquals(200, event.at("/event/response/status").asInt());
        }
        Await.until(() -> dev.tails().listening() == 0);
    }

    @Test
    void aTailOfAWorkerDevDoesNotRunIsRefusedWithTheAdminApisError() {
        String refused = get("/v1/workers/billing/tail", "127.0.0.1:" + admin.port());
        assertEquals("HTTP/1.1 404 Not Found", RawHttp.statusLine(refused));
        assertEquals("{\"error\":\"Worker \\\"billing\\\" is not one jworkers dev runs; it runs application, auth, gateway\"}",
                RawHttp.body(refused));
        String otherEnvironment = get("/v1/workers/gateway/tail?env=staging", "127.0.0.1:" + admin.port());
        assertEquals("HTTP/1.1 404 Not Found", RawHttp.statusLine(otherEnvironment));
        assertEquals("{\"error\":\"jworkers dev runs its workers in production only (its --env picks the configs' env blocks);"
                + " tail without --env\"}", RawHttp.body(otherEnvironment));
    }

    @Test
    void theLoopbackOpenModeGuardsItsPagesOnItsOwnListenerToo() {
        // Registered on a bare listener, without dev's listener-wide guard in front of it.
        io.helidon.webserver.WebServer bare = io.helidon.webserver.WebServer.builder().host("127.0.0.1").port(0)
                .shutdownHook(false)
                .routing(routing -> Dashboard.loopbackOpen(new NoWorkers()).register(routing)).build().start();
        try {
            int port = bare.port();
            for (String path : new String[] {"/", "/ui/hosts", "/ui/workers/gateway/tail", "/ui/assets/dashboard.js"}) {
                String refused = oneResponse(port, "GET " + path + " HTTP/1.1\r\nHost: rebound.example:" + port + "\r\n\r\n");
                assertEquals("HTTP/1.1 403 Forbidden", RawHttp.statusLine(refused), path);
                assertTrue(RawHttp.body(refused).startsWith("Refused: this listener answers only requests addressed to 127.0.0.1:"
                        + port + " or localhost:" + port + ", not \"rebound.example:" + port + "\""), refused);
            }
            String page = oneResponse(port, "GET /ui/hosts HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(page));
        } finally {
            bare.stop();
        }
    }

    // A bare Helidon listener keeps a connection open after "Connection: close" (helidon#12324): read one response.
    private static String oneResponse(int port, String request) {
        try (Socket socket = RawHttp.connect(port)) {
            RawHttp.send(socket, request);
            return RawHttp.readResponse(socket);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A source with no workers, for the guard alone. */
    private static final class NoWorkers implements DashboardSource {
        @Override
        public java.util.List<io.jworkers.runtime.serve.ServiceView> services() {
            return java.util.List.of();
        }

        @Override
        public java.util.List<io.jworkers.runtime.deploy.VersionInfo> versions(String worker, String environment) {
            return java.util.List.of();
        }

        @Override
        public java.util.Optional<io.jworkers.runtime.deploy.TrafficSplit> split(String worker, String environment) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<Settings> settings(String worker, String environment) {
            return java.util.Optional.empty();
        }

        @Override
        public io.jworkers.runtime.serve.HostsView hosts() {
            return new io.jworkers.runtime.serve.HostsView(0, java.util.List.of());
        }

        @Override
        public boolean sharedStore() {
            return false;
        }

        @Override
        public io.jworkers.runtime.deploy.VersionInfo rollback(String worker, String environment, int version) {
            throw new UnsupportedOperationException("none");
        }

        @Override
        public io.jworkers.runtime.deploy.VersionInfo promote(String worker, String from, Integer version, String to) {
            throw new UnsupportedOperationException("none");
        }

        @Override
        public io.jworkers.runtime.deploy.TrafficSplit deploySplit(String worker, String environment,
                io.jworkers.runtime.deploy.TrafficSplit split) {
            throw new UnsupportedOperationException("none");
        }
    }

    // Reads the stream (chunked: chunk sizes are left in) until it holds the text; returns what was read.
    private static String readUntil(InputStream in, String text) throws IOException {
        StringBuilder read = new StringBuilder();
        while (read.indexOf(text) < 0) {
            int b = in.read();
            assertTrue(b >= 0, "the stream ended: " + read);
            read.append((char) b);
        }
        return read.toString();
    }
}
