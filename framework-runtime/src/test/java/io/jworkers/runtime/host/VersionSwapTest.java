package io.jworkers.runtime.host;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.pipeline.WorkerThreads;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A swap is atomic: new requests reach the new version while requests in flight finish on the old one. */
class VersionSwapTest {

    @TempDir
    Path dir;

    private Path hello(String folder, String who) {
        return WorkerDirs.config(dir, folder, "{ \"name\": \"hello\", \"classpath\": [%s], \"vars\": { \"WHO\": \"%s\" } }"
                .formatted(json(Fixtures.classes("hello")), who));
    }

    @Test
    void anInFlightRequestFinishesOnTheOldVersionWhileNewRequestsReachTheNewOne() throws Exception {
        try (DevServer server = DevServer.start(List.of(hello("v1", "v1")), null, "127.0.0.1", 0)) {
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
                    () -> Http.get(server.url() + "/slow?ms=1000"));
            for (int i = 0; i < 500 && server.inFlight() == 0; i++) {
                Thread.sleep(5);
            }
            assertEquals(1, server.inFlight(), "the slow request is being served");

            server.host().load(ConfigLoader.load(hello("v2", "v2"), null), Secrets.NONE);
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from v2 at /"), "new requests reach v2");

            HttpResponse<String> old = inFlight.get();
            assertEquals(200, old.statusCode(), old.body());
            assertEquals("late hello from v1", old.body(), "the old version finished it, its loader still open");
        }
    }

    @Test
    void waitUntilWorkOfAReplacedVersionFinishesBeforeTheVersionCloses() throws Exception {
        Path sleeper = WorkerDirs.config(dir, "sleeper", """
                { "name": "sleeper", "classpath": [%s], "vars": { "ME": "sleeper" } }
                """.formatted(json(Fixtures.classes("sleeper"))));
        Path lifecycle = WorkerDirs.config(dir, "lifecycle", """
                { "name": "lifecycle", "classpath": [%s], "routes": ["/*"], "services": [{ "binding": "SLEEPER", "service": "sleeper" }] }
                """.formatted(json(Fixtures.classes("lifecycle"))));
        try (DevServer server = DevServer.start(List.of(lifecycle, sleeper), null,
                IngressSettings.defaults("127.0.0.1", 0).withGrace(Duration.ofSeconds(20), Duration.ofSeconds(20)))) {
            assertEquals("started waitUntil w", Http.get(server.url() + "/wait-until?key=w&ms=800").body());
            WorkerThreads old = server.host().worker("lifecycle").orElseThrow().threads();
            server.host().load(ConfigLoader.load(lifecycle, null), Secrets.NONE);

            String state = "started";
            for (int i = 0; i < 500 && state.equals("started"); i++) {
                Thread.sleep(20);
                state = Http.get(server.url() + "/status?key=w").body();
            }
            assertEquals("finished", state, "the replaced version's waitUntil work was not interrupted");
            for (int i = 0; i < 500 && old.alive() > 0; i++) {
                Thread.sleep(20);
            }
            assertEquals(0, old.alive());
        }
    }
}
