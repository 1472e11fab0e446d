package io.jworkers.runtime.pipeline;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work started beside a response: un-awaited async work is cancelled once the response is sent,
 * waitUntil work may finish within the grace period and is cancelled past it; subrequest and
 * deadline limits hold across the pipeline.
 */
class PipelineLifecycleTest {

    private static final Duration GRACE = Duration.ofMillis(700);
    // JUL holds loggers weakly: keep this one, or the handler goes with it.
    private static final Logger LOGGER = Logger.getLogger("jworkers.worker");
    private static final List<String> WORKER_LOG = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            WORKER_LOG.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TempDir
    static Path dir;
    private static DevServer server;
    private static Path lifecycleConfig;

    @BeforeAll
    static void start() {
        LOGGER.addHandler(CAPTURE);
        lifecycleConfig = WorkerDirs.config(dir, "lifecycle", """
                { "name": "lifecycle", "classpath": [%s], "routes": ["/*"], "limits": { "timeout_ms": 1500 },
                  "services": [{ "binding": "SLEEPER", "service": "sleeper" }] }
                """.formatted(json(Fixtures.classes("lifecycle"))));
        Path sleeper = WorkerDirs.config(dir, "sleeper", """
                { "name": "sleeper", "classpath": [%s], "vars": { "ME": "sleeper" }, "services": [{ "binding": "NEXT", "service": "sleeper2" }] }
                """.formatted(json(Fixtures.classes("sleeper"))));
        Path sleeper2 = WorkerDirs.config(dir, "sleeper2", """
                { "name": "sleeper2", "classpath": [%s], "vars": { "ME": "sleeper2" } }
                """.formatted(json(Fixtures.classes("sleeper"))));
        server = DevServer.start(List.of(lifecycleConfig, sleeper, sleeper2), null,
                IngressSettings.defaults("127.0.0.1", 0).withGrace(GRACE, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        server.close();
        LOGGER.removeHandler(CAPTURE);
    }

    // Waits for the background work to reach a final state; bounded, and the assertion is on the state.
    private static String finalState(String key) throws InterruptedException {
        String state = "";
        for (int i = 0; i < 300; i++) {
            state = Http.get(server.url() + "/status?key=" + key).body();
            if (!state.equals("started") && !state.equals("unknown")) {
                return state;
            }
            Thread.sleep(20);
        }
        return state;
    }

    @Test
    void asyncWorkNobodyAwaitedIsCancelledWhenTheResponseIsSentAndLogged() throws InterruptedException {
        HttpResponse<String> response = Http.get(server.url() + "/async-unawaited?key=u1", "x-request-id", "unawaited-1");
        assertEquals("started async u1", response.body());
        assertEquals("interrupted", finalState("u1"));
        assertTrue(WORKER_LOG.contains("[lifecycle] cancelled async work of request unawaited-1: it was still running after "
                + "the response and nobody awaited it (await it, or hand it to ctx().waitUntil to let it finish)"), WORKER_LOG.toString());
    }

    @Test
    void awaitedAsyncWorkCompletesWithItsResult() {
        assertEquals("awaited slept", Http.get(server.url() + "/async-awaited?key=a1").body());
    }

    @Test
    void waitUntilWorkCompletesAfterTheResponse() throws InterruptedException {
        assertEquals("started waitUntil w1", Http.get(server.url() + "/wait-until?key=w1&ms=200").body());
        assertEquals("finished", finalState("w1"));
    }

    @Test
    void waitUntilWorkPastTheGracePeriodIsCancelled() throws InterruptedException {
        Http.get(server.url() + "/wait-until?key=w2&ms=30000", "x-request-id", "grace-1");
        assertEquals("interrupted", finalState("w2"));
        assertTrue(WORKER_LOG.contains("[lifecycle] cancelled waitUntil work of request grace-1: still running 700 ms after "
                + "the response (the grace period)"), WORKER_LOG.toString());
    }

    @Test
    void aWaitUntilStageStillPendingAfterTheGracePeriodIsCancelledWhileACompletedOneIsLeftAlone() throws InterruptedException {
        Http.get(server.url() + "/wait-until-stage?key=s1", "x-request-id", "stage-1");
        Http.get(server.url() + "/wait-until-stage?key=s2&complete=true");
        String state = "";
        for (int i = 0; i < 300 && !state.equals("cancelled"); i++) {
            Thread.sleep(20);
            state = Http.get(server.url() + "/stage-status?key=s1").body();
        }
        assertEquals("cancelled", state);
        assertEquals("done", Http.get(server.url() + "/stage-status?key=s2").body());
        assertTrue(WORKER_LOG.contains("[lifecycle] cancelled waitUntil work of request stage-1: still running 700 ms after "
                + "the response (the grace period)"), WORKER_LOG.toString());
    }

    @Test
    void the1001stSubrequestThrows() {
        HttpResponse<String> response = Http.get(server.url() + "/subrequests?n=1001");
        assertEquals(429, response.statusCode());
        assertEquals("made 1000, then Too many subrequests: this request made more than 1000 binding calls (raise "
                + "limits.subrequests of the worker that received the request if this is expected)", response.body());
        assertEquals("made 1000, ctx says 1000", Http.get(server.url() + "/subrequests?n=1000").body());
    }

    @Test
    void aPipelinePastItsDeadlineGets504WithTheRequestId() {
        HttpResponse<String> response = Http.get(server.url() + "/slow?ms=1700", "x-request-id", "late-1");
        assertEquals(504, response.statusCode());
        assertEquals("Gateway Timeout: the request ran past its deadline (request id late-1)\n", response.body());
    }

    @Test
    void theExecutionContextShowsDepthSubrequestsAndDeadline() {
        assertEquals("depth=1 subrequests=0 deadline-in-future=true", Http.get(server.url() + "/context").body());
    }

    @Test
    void oneRequestIdRunsThroughThreeWorkersAndComesFromTraceparentWhenGiven() {
        assertEquals("lifecycle=id-7,sleeper=id-7,sleeper2=id-7", Http.get(server.url() + "/ids", "x-request-id", "id-7").body());
        String traced = Http.get(server.url() + "/ids", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").body();
        assertEquals("lifecycle=4bf92f3577b34da6a3ce929d0e0e4736,sleeper=4bf92f3577b34da6a3ce929d0e0e4736,"
                + "sleeper2=4bf92f3577b34da6a3ce929d0e0e4736", traced);
    }

    @Test
    void unloadingAVersionInterruptsTheThreadsItStarted(@TempDir Path own) throws InterruptedException {
        Path sleeper = WorkerDirs.config(own, "sleeper", """
                { "name": "sleeper", "classpath": [%s], "vars": { "ME": "sleeper" } }
                """.formatted(json(Fixtures.classes("sleeper"))));
        Path lifecycle = WorkerDirs.config(own, "lifecycle", """
                { "name": "lifecycle", "classpath": [%s], "routes": ["/*"], "services": [{ "binding": "SLEEPER", "service": "sleeper" }] }
                """.formatted(json(Fixtures.classes("lifecycle"))));
        try (DevServer longGrace = DevServer.start(List.of(lifecycle, sleeper), null,
                IngressSettings.defaults("127.0.0.1", 0).withGrace(Duration.ofSeconds(60), Duration.ofSeconds(1)))) {
            Http.get(longGrace.url() + "/wait-until?key=v1&ms=60000");
            WorkerThreads threads = longGrace.host().worker("lifecycle").orElseThrow().threads();
            assertEquals(1, threads.alive());
            longGrace.host().load(ConfigLoader.load(lifecycle, null), Secrets.NONE);
            String state = "";
            for (int i = 0; i < 300 && !state.equals("interrupted"); i++) {
                state = Http.get(longGrace.url() + "/status?key=v1").body();
                Thread.sleep(20);
            }
            assertEquals("interrupted", state);
            assertEquals(0, threads.alive());
        }
    }

    @Test
    void theDeadlineIsTheTimeoutAfterTheOpeningAndTheSameInstantEveryTimeFromEveryThread() throws Exception {
        java.time.Instant before = java.time.Instant.now();
        Pipeline pipeline = new Pipeline("r-deadline", 1000, Duration.ofSeconds(30));
        java.time.Instant after = java.time.Instant.now();
        List<java.time.Instant> seen = new CopyOnWriteArrayList<>();
        List<Thread> readers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            readers.add(Thread.ofVirtual().start(() -> seen.add(pipeline.deadline())));
        }
        for (Thread reader : readers) {
            reader.join();
        }
        java.time.Instant deadline = pipeline.deadline();
        assertTrue(seen.stream().allMatch(d -> d == deadline), seen + " against " + deadline);
        // The wall clock and the monotonic clock may differ by a little; a millisecond is plenty.
        assertTrue(!deadline.isBefore(before.plusSeconds(30).minusMillis(1)) && !deadline.isAfter(after.plusSeconds(30).plusMillis(1)),
                deadline + " not 30 s after " + before + ".." + after);
        // Span times come from the same reading: a monotonic time maps onto the wall clock's.
        java.time.Instant wall = java.time.Instant.now();
        long epochNanos = pipeline.epochNanos(System.nanoTime());
        long wallNanos = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        assertTrue(Math.abs(epochNanos - wallNanos) < 5_000_000, epochNanos + " against the wall clock's " + wallNanos);
        assertEquals(5, pipeline.epochNanos(1_000_005) - pipeline.epochNanos(1_000_000));
    }
}
