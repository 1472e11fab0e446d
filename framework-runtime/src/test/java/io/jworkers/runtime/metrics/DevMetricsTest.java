package io.jworkers.runtime.metrics;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevAdminServer;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} on the admin listener of {@code jworkers dev}: loopback only, no token,
 * the same meters as serve's (a dev host's versions count from 1 per load).
 */
class DevMetricsTest {

    @TempDir
    Path work;

    private List<Path> configs() {
        String classes = json(Fixtures.classes("metered"));
        Path front = WorkerDirs.config(work, "front", """
                { "name": "front", "main": "io.fixture.metered.FrontWorker", "classpath": [%s],
                  "vars": { "TIMEOUT_MS": "1500" }, "limits": { "subrequests": 5, "timeout_ms": 1500 },
                  "services": [{ "binding": "BACK", "service": "back" }, { "binding": "LATE", "service": "back" }] }
                """.formatted(classes));
        Path back = WorkerDirs.config(work, "back", """
                { "name": "back", "main": "io.fixture.metered.BackWorker", "classpath": [%s] }
                """.formatted(classes));
        return List.of(front, back);
    }

    @Test
    void devServesMetricsOnItsAdminListenerWithoutAToken() throws InterruptedException {
        try (DevServer server = DevServer.start(configs(), null, "127.0.0.1", 0)) {
            DevAdminServer admin = server.startAdmin(0, routing -> routing.get("/extra", (req, res) -> res.send("added")));
            assertEquals(200, Http.get(server.url() + "/fetch").statusCode());
            assertEquals("5 9", Http.get(server.url() + "/rpc").body());
            assertEquals(500, Http.get(server.url() + "/throw").statusCode());
            Await.until(() -> Scrape.of(admin.url() + "/metrics").total("jworkers_requests_total") == 3);

            Scrape scrape = Scrape.of(admin.url() + "/metrics");
            Map<String, String> front = Map.of("worker", "front", "environment", "production", "version", "1");
            assertEquals(2, scrape.counter("jworkers_requests_total", with(front, "outcome", "ok", "status", "2xx")));
            assertEquals(1, scrape.counter("jworkers_requests_total", with(front, "outcome", "exception", "status", "5xx")));
            Map<String, String> back = Map.of("caller", "front", "environment", "production", "binding", "BACK",
                    "callee", "back");
            assertEquals(1, scrape.counter("jworkers_binding_calls_total", with(back, "kind", "fetch")));
            assertEquals(2, scrape.counter("jworkers_binding_calls_total", with(back, "kind", "rpc")));
            assertEquals(0, scrape.gauge("jworkers_requests_in_flight", Map.of()));
            assertEquals("added", Http.get(admin.url() + "/extra").body());
            assertEquals(404, Http.get(admin.url() + "/v1/services").statusCode());
        }
    }

    @Test
    void devShowsARequestHeldInsideItsWorkerAsInFlightUntilItsResponseIsSent() throws Exception {
        try (DevServer server = DevServer.start(configs(), null, "127.0.0.1", 0);
                WorkerLatch latch = new WorkerLatch()) {
            DevAdminServer admin = server.startAdmin(0, routing -> { });
            String metrics = admin.url() + "/metrics";
            CompletableFuture<HttpResponse<String>> held =
                    CompletableFuture.supplyAsync(() -> Http.get(server.url() + "/hold?port=" + latch.port()));
            latch.awaitWorker();
            Scrape holding = Scrape.of(metrics);
            assertEquals(1, holding.gauge("jworkers_requests_in_flight", Map.of()), holding.text());
            assertEquals(0, holding.total("jworkers_requests_total"), "counted once its response is sent");
            latch.open();
            assertEquals("xxxx", held.get(30, TimeUnit.SECONDS).body());

            // The count drops just after the client has the response.
            Await.until(() -> Scrape.of(metrics).gauge("jworkers_requests_in_flight", Map.of()) == 0);
            Scrape done = Scrape.of(metrics);
            assertEquals(0, done.gauge("jworkers_requests_in_flight", Map.of()), done.text());
            assertEquals(0, server.inFlight());
        }
    }

    @Test
    void theDevAdminListenerRefusesANonLoopbackAddress() {
        try (DevServer server = DevServer.start(configs(), null, "127.0.0.1", 0)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> DevAdminServer.start("0.0.0.0", 0, server.host().metrics(), routing -> { }));
            assertEquals("The dev admin listener listens on loopback only, not 0.0.0.0: it has no token", refused.getMessage());
        }
    }

    @Test
    void theDevCommandPrintsWhereItsDashboardAndMetricsAreAndTakesAFreePortWhenTheDefaultOneIsTaken() throws Exception {
        List<Path> configs = configs();
        // Whether or not something holds 8788 now, holding it makes the fallback certain.
        java.net.ServerSocket taken = null;
        try {
            taken = new java.net.ServerSocket(DevAdminServer.DEFAULT_PORT, 50, java.net.InetAddress.getLoopbackAddress());
        } catch (java.io.IOException alreadyTaken) {
            // Another process holds it: the fallback happens all the same.
        }
        try (io.jworkers.runtime.testing.ForkedHost dev = io.jworkers.runtime.testing.ForkedHost.dev(List.of(),
                List.of("-c", configs.get(0).toString(), "-c", configs.get(1).toString()))) {
            String ready = dev.output().stream().filter(line -> line.startsWith("Ready on ")).findFirst().orElseThrow();
            java.util.regex.Matcher metrics = java.util.regex.Pattern
                    .compile("; dashboard on http://127\\.0\\.0\\.1:(\\d+)/ \\(metrics at /metrics\\)$").matcher(ready);
            assertTrue(metrics.find(), ready);
            assertNotEquals(String.valueOf(DevAdminServer.DEFAULT_PORT), metrics.group(1));
            assertTrue(dev.output().contains("jworkers dev: admin port " + DevAdminServer.DEFAULT_PORT
                    + " is in use; the admin listener takes a free port"), dev.output().toString());
            assertEquals(200, Http.get(dev.url() + "/ok").statusCode());
            Await.until(() -> Scrape.of("http://127.0.0.1:" + metrics.group(1) + "/metrics").total("jworkers_requests_total") == 1);
        } finally {
            if (taken != null) {
                taken.close();
            }
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String... more) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }
}
