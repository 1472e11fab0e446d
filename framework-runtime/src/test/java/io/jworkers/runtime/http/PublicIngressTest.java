package io.jworkers.runtime.http;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the network sees of a host: only the primary worker, clean errors, one log line per request. */
class PublicIngressTest {

    @TempDir
    static Path dir;
    private static DevServer server;
    // JUL holds loggers weakly: keep this one, or the handler goes with it.
    private static final Logger LOGGER = Logger.getLogger("jworkers.ingress");
    private static final List<LogRecord> LOG = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            LOG.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        LOGGER.addHandler(CAPTURE);
        Path hello = Fixtures.classes("hello");
        Path front = WorkerDirs.config(dir, "front", """
                { "name": "front", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "front" },
                  "services": [{ "binding": "BACK", "service": "back" }, { "binding": "MISSING", "service": "missing" }] }
                """.formatted(json(hello)));
        Path back = WorkerDirs.config(dir, "back", """
                { "name": "back", "classpath": [%s], "vars": { "WHO": "back" } }
                """.formatted(json(hello)));
        server = DevServer.start(List.of(front, back), null, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        LOGGER.removeHandler(CAPTURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/back", "/back/", "/workers/back", "/?worker=back", "/%2e%2e/back"})
    void everyPathReachesThePrimaryAndNeverThePrivateWorker(String path) {
        HttpResponse<String> response = Http.get(server.url() + path);
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("hello from front at "), response.body());
    }

    @Test
    void aHostHeaderNamingThePrivateWorkerStillReachesThePrimary() {
        HttpResponse<String> response = Http.get(server.url() + "/", "x-forwarded-host", "back");
        assertTrue(response.body().startsWith("hello from front at /"), response.body());
    }

    @Test
    void aBindingWhoseTargetIsNotRunningAnswers503WithWranglersText() {
        HttpResponse<String> response = Http.get(server.url() + "/missing");
        assertEquals(503, response.statusCode());
        assertEquals("Worker \"missing\" not found. Make sure it is running locally.", response.body());
    }

    @Test
    void theReportShowsTheMissingBindingAsNotConnected() {
        String report = server.bindingReport();
        assertTrue(report.contains("  env.BACK (back)  Worker  local [connected]"), report);
        assertTrue(report.contains("  env.MISSING (missing)  Worker  local [not connected]"), report);
    }

    @Test
    void eachRequestLogsOneLineWithMethodPathStatusTimeIdAndWorkers() {
        LOG.clear();
        Http.get(server.url() + "/some/path?token=secret", "x-request-id", "log-test-1");
        // The line is written once the response has been sent, so the client may see the response first.
        List<String> lines = List.of();
        for (int i = 0; i < 200 && lines.isEmpty(); i++) {
            lines = LOG.stream().map(LogRecord::getMessage).filter(m -> m.contains("id=log-test-1")).toList();
            sleep(10);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("GET /some/path 200 \\d+\\.\\dms id=log-test-1 workers=front@1:\\d+\\.\\dms"), lines.get(0));
        assertFalse(lines.get(0).contains("secret"), "query strings stay out of the log");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anExceptionBecomesA500WithTheRequestIdAndNoDetailWhileTheStackIsLogged(@TempDir Path own) {
        Path failing = WorkerDirs.config(own, "failing", """
                { "name": "failing", "classpath": [%s] }
                """.formatted(json(Fixtures.classes("failing"))));
        LOG.clear();
        try (DevServer broken = DevServer.start(List.of(failing), null, "127.0.0.1", 0)) {
            HttpResponse<String> response = Http.get(broken.url() + "/", "x-request-id", "boom-1");
            assertEquals(500, response.statusCode());
            assertEquals("Internal Server Error (request id boom-1)\n", response.body());
            assertFalse(response.body().contains("hunter2"));
        }
        LogRecord error = LOG.stream().filter(r -> r.getThrown() != null).findFirst().orElseThrow();
        assertEquals("[failing] request boom-1 failed", error.getMessage());
        assertEquals("internal detail: database password is hunter2", error.getThrown().getMessage());
    }
}
