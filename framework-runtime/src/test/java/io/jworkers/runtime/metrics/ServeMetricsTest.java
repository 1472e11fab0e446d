package io.jworkers.runtime.metrics;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.RawHttp;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.MetricType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of {@code jworkers serve}: real workers deployed through the CLI, real
 * requests ending every way a request ends, the scrape parsed by a Prometheus text parser and
 * checked to the exact count and label set; the admin token guards it.
 */
class ServeMetricsTest {

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness host;

    @BeforeEach
    void start() {
        host = ServeHarness.start(state, work);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private String metricsUrl() {
        return host.adminUrl() + "/metrics";
    }

    private Scrape scrape() {
        return Scrape.of(metricsUrl(), "authorization", "Bearer " + ServeHarness.TOKEN);
    }

    private void deploy(String jsonc) {
        String name = jsonc.replaceAll("(?s).*\"name\": \"([a-z]+)\".*", "$1");
        ServeHarness.Cli deployed = host.cli("", "deploy", "-c", WorkerDirs.config(work, name, jsonc).toString());
        assertEquals(0, deployed.code(), deployed.err());
    }

    private void deployFrontAndBack() {
        String classes = json(Fixtures.classes("metered"));
        deploy("""
                { "name": "back", "main": "io.fixture.metered.BackWorker", "classpath": [%s] }
                """.formatted(classes));
        deploy("""
                { "name": "front", "main": "io.fixture.metered.FrontWorker", "classpath": [%s], "routes": ["/*"],
                  "vars": { "TIMEOUT_MS": "1500" }, "limits": { "subrequests": 5, "timeout_ms": 1500 },
                  "services": [{ "binding": "BACK", "service": "back" }, { "binding": "LATE", "service": "back" }] }
                """.formatted(classes));
    }

    private int get(String path) {
        HttpResponse<String> response = Http.get(host.url() + path);
        return response.statusCode();
    }

    private static Map<String, String> front(String outcome, String status) {
        return Map.of("worker", "front", "environment", "production", "version", "1", "outcome", outcome, "status", status);
    }

    private static Map<String, String> binding(String binding, String kind) {
        return Map.of("caller", "front", "environment", "production", "binding", binding, "callee", "back", "kind", kind);
    }

    @Test
    void requestsByOutcomeDurationsAndBindingCallsAreCountedExactly() throws InterruptedException {
        deployFrontAndBack();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/ok"));
        }
        assertEquals(500, get("/status500"));
        assertEquals(500, get("/throw"));
        assertEquals(504, get("/deadline"));
        assertEquals(500, get("/limit"));
        assertEquals(200, get("/fetch"));
        assertEquals(200, get("/fetch"));
        HttpResponse<String> rpc = Http.get(host.url() + "/rpc");
        assertEquals("5 9", rpc.body());
        // A request is counted once its response is sent, just after the client has it.
        Await.until(() -> scrape().total("jworkers_requests_total") == 10);

        Scrape scrape = scrape();
        assertEquals(6, scrape.counter("jworkers_requests_total", front("ok", "2xx")));
        assertEquals(1, scrape.counter("jworkers_requests_total", front("ok", "5xx")));
        assertEquals(1, scrape.counter("jworkers_requests_total", front("exception", "5xx")));
        assertEquals(1, scrape.counter("jworkers_requests_total", front("deadline", "5xx")));
        assertEquals(1, scrape.counter("jworkers_requests_total", front("limit", "5xx")));
        assertEquals(5, scrape.metrics("jworkers_requests_total").size(), scrape.text());

        Histogram durations = scrape.histogram("jworkers_request_duration_seconds",
                Map.of("worker", "front", "environment", "production"));
        assertEquals(10, durations.getSampleCount());
        // The deadline request alone slept 1.55 s.
        assertTrue(durations.getSampleSum() > 1.55, durations.toString());
        assertEquals(10, durations.getBuckets().get(durations.getBuckets().size() - 1).getCumulativeCount());

        // /limit: 5 calls, then the 6th refused (counted: a call made); /fetch twice; /deadline one refused call.
        assertEquals(8, scrape.counter("jworkers_binding_calls_total", binding("BACK", "fetch")));
        assertEquals(2, scrape.counter("jworkers_binding_calls_total", binding("BACK", "rpc")));
        assertEquals(1, scrape.counter("jworkers_binding_calls_total", binding("LATE", "fetch")));
        assertEquals(0, scrape.counter("jworkers_binding_calls_total", binding("LATE", "rpc")));
        assertEquals(4, scrape.metrics("jworkers_binding_calls_total").size(), scrape.text());

        assertEquals(0, scrape.gauge("jworkers_requests_in_flight", Map.of()));
        assertEquals(0, scrape.gauge("jworkers_waituntil_requests", Map.of()));
        for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "system_cpu_count", "jvm_gc_memory_allocated_bytes_total"}) {
            assertTrue(scrape.has(jvm), jvm + " in\n" + scrape.text());
        }
        assertEquals(MetricType.GAUGE, scrape.type("jvm_memory_used_bytes"));
        // The collectors, read when scraped (GcMetrics): a series per collector of the host's JVM.
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String family = GcMetrics.isConcurrent(collector.getName())
                    ? "jvm_gc_concurrent_phase_time_seconds" : "jvm_gc_pause_seconds";
            assertEquals(MetricType.SUMMARY, scrape.type(family), family);
            assertTrue(scrape.metrics(family).stream().anyMatch(m -> m.getLabels().equals(Map.of("gc", collector.getName()))),
                    collector.getName() + " in\n" + scrape.text());
        }
        assertEquals(MetricType.GAUGE, scrape.type("jvm_gc_live_data_size_bytes"));
        assertEquals(MetricType.COUNTER, scrape.type("jvm_gc_memory_allocated_bytes_total"));

        // The dashboard's view of the same requests.
        RequestStats stats = host.serve().host().metrics().requestStats();
        RequestStats.Key key = new RequestStats.Key("front", "production", "1");
        assertEquals(java.util.List.of(key), stats.keys());
        RequestStats.Window minute = stats.window(key, Duration.ofMinutes(1));
        assertEquals(10, minute.requests());
        assertEquals(4, minute.errors()); // the 5xx ones: its own 500, the exception, the deadline, the limit
        assertEquals(0.4, minute.errorRate());
        assertTrue(minute.p99().compareTo(Duration.ofMillis(1550)) > 0, minute.toString());
    }

    @Test
    void aRedeployedVersionCountsUnderItsOwnVersionAndBindingCountsGoOn() throws InterruptedException {
        deployFrontAndBack();
        assertEquals(200, get("/fetch"));
        deployFrontAndBack(); // back 2, front 2
        assertEquals(200, get("/fetch"));
        assertEquals(200, get("/fetch"));
        Await.until(() -> scrape().total("jworkers_requests_total") == 3);

        Scrape scrape = scrape();
        assertEquals(1, scrape.counter("jworkers_requests_total", front("ok", "2xx")));
        assertEquals(2, scrape.counter("jworkers_requests_total", Map.of("worker", "front", "environment", "production",
                "version", "2", "outcome", "ok", "status", "2xx")));
        assertEquals(3, scrape.counter("jworkers_binding_calls_total", binding("BACK", "fetch")));
    }

    @Test
    void aClientGoneBeforeItsResponseIsCountedAsClientDisconnectedWithTheStatusClassOfWhatWasNotSent() throws Exception {
        deployFrontAndBack();
        int port = URI.create(host.url()).getPort();
        // Gone during its request body: the worker's read fails and nothing is answered (499 in the access log).
        try (Socket client = RawHttp.connect(port)) {
            RawHttp.send(client, "POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "x".repeat(10));
            client.shutdownOutput();
            assertEquals("", RawHttp.readUntilClosed(client), "no answer for a client that is gone");
        }
        // Gone while its worker held it: the worker's 200 (8 MB, more than the socket buffers take) cannot be sent.
        // The host says so in one line, without a stack trace: a client going away is not a failure of the host's.
        try (io.jworkers.runtime.testing.LogCapture log = io.jworkers.runtime.testing.LogCapture.of("jworkers.ingress");
                WorkerLatch latch = new WorkerLatch(); Socket client = RawHttp.connect(port)) {
            RawHttp.send(client, "GET /hold?port=" + latch.port() + "&bytes=8000000 HTTP/1.1\r\nHost: x\r\n\r\n");
            latch.awaitWorker();
            client.setSoLinger(true, 0); // a reset, as a killed client's
            client.close();
            latch.open();
            Await.until(() -> !log.messagesWith("went away while its response was sent").isEmpty());
            assertEquals(List.of(), log.stackTracesAndWarnings());
            assertTrue(log.messagesWith("went away while its response was sent").get(0)
                    .matches("\\[front\\] the client of request [0-9a-f]{32} went away while its response was sent \\(.+\\)"),
                    log.messagesWith("went away").toString());
        }
        Await.until(() -> scrape().total("jworkers_requests_total") == 2);

        Scrape scrape = scrape();
        assertEquals(1, scrape.counter("jworkers_requests_total", front("client_disconnected", "4xx")), scrape.text());
        assertEquals(1, scrape.counter("jworkers_requests_total", front("client_disconnected", "2xx")), scrape.text());
        assertEquals(2, scrape.metrics("jworkers_requests_total").size(), scrape.text());
        assertEquals(2, scrape.histogram("jworkers_request_duration_seconds",
                Map.of("worker", "front", "environment", "production")).getSampleCount());
        assertEquals(0, scrape.gauge("jworkers_requests_in_flight", Map.of()));
    }

    @Test
    void aRequestHeldInsideItsWorkerIsInFlightUntilItsResponseIsSent() throws Exception {
        deployFrontAndBack();
        assertEquals(0, scrape().gauge("jworkers_requests_in_flight", Map.of()));
        try (WorkerLatch latch = new WorkerLatch()) {
            CompletableFuture<HttpResponse<String>> held =
                    CompletableFuture.supplyAsync(() -> Http.get(host.url() + "/hold?port=" + latch.port()));
            latch.awaitWorker();
            Scrape holding = scrape();
            assertEquals(1, holding.gauge("jworkers_requests_in_flight", Map.of()), holding.text());
            assertEquals(0, holding.gauge("jworkers_waituntil_requests", Map.of()));
            assertEquals(0, holding.total("jworkers_requests_total"), "counted once its response is sent");
            latch.open();
            assertEquals("xxxx", held.get(30, TimeUnit.SECONDS).body());
        }
        // The count drops just after the client has the response.
        Await.until(() -> scrape().gauge("jworkers_requests_in_flight", Map.of()) == 0);
        assertEquals(0, scrape().gauge("jworkers_requests_in_flight", Map.of()));
        Await.until(() -> scrape().total("jworkers_requests_total") == 1);
        assertEquals(1, scrape().counter("jworkers_requests_total", front("ok", "2xx")));
    }

    @Test
    void aRequestWhoseWaitUntilWorkRunsAfterItsResponseIsCountedUntilTheWorkEnds() throws Exception {
        deployFrontAndBack();
        try (WorkerLatch latch = new WorkerLatch()) {
            assertEquals("answered", Http.get(host.url() + "/linger?port=" + latch.port()).body());
            latch.awaitWorker();
            // The host keeps the request for its waitUntil work just after the client has the response.
            Await.until(() -> scrape().gauge("jworkers_waituntil_requests", Map.of()) == 1
                    && scrape().gauge("jworkers_requests_in_flight", Map.of()) == 0);
            Scrape lingering = scrape();
            assertEquals(1, lingering.gauge("jworkers_waituntil_requests", Map.of()), lingering.text());
            assertEquals(0, lingering.gauge("jworkers_requests_in_flight", Map.of()), lingering.text());
            assertEquals(1, lingering.counter("jworkers_requests_total", front("ok", "2xx")), "counted when answered");
            latch.open();
        }
        Await.until(() -> scrape().gauge("jworkers_waituntil_requests", Map.of()) == 0);
        Scrape done = scrape();
        assertEquals(0, done.gauge("jworkers_waituntil_requests", Map.of()), done.text());
        assertEquals(1, done.total("jworkers_requests_total"));
    }

    @Test
    void theMetricsWantTheAdminToken() {
        HttpResponse<String> none = Http.get(metricsUrl());
        assertEquals(401, none.statusCode());
        assertEquals("Bearer", none.headers().firstValue("www-authenticate").orElse(null));
        assertEquals(401, Http.get(metricsUrl(), "authorization", "Bearer wrong-token-of-enough-length").statusCode());
        assertTrue(scrape().has("jworkers_requests_in_flight"));
    }
}
