package io.jworkers.runtime.metrics;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.WorkerDirs;
import io.jworkers.runtime.worker.LoadedWorker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version no longer loaded keeps its series for the 10 minutes the request statistics keep,
 * then they are dropped from {@code /metrics}; a loaded version keeps them however idle it is.
 */
class VersionSeriesTest {

    @TempDir
    Path work;

    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    @Test
    void anUnloadedVersionsSeriesAreDroppedAfterTenMinutes() {
        Path config = WorkerDirs.config(work, "back", """
                { "name": "back", "main": "io.fixture.metered.BackWorker", "classpath": [%s] }
                """.formatted(json(Fixtures.classes("metered"))));
        try (DevServer server = DevServer.start(List.of(config), null, "127.0.0.1", 0)) {
            LoadedWorker back = server.host().worker("back").orElseThrow();
            List<LoadedWorker> loaded = new CopyOnWriteArrayList<>(List.of(back));
            TestClock clock = new TestClock();
            try (HostMetrics metrics = new HostMetrics(new BindingCounters(), () -> loaded, clock)) {
                metrics.observe(back, System.nanoTime()).finish(200);
                String series = "jworkers_requests_total{environment=\"production\",outcome=\"ok\",status=\"2xx\","
                        + "version=\"1\",worker=\"back\"} 1.0";
                assertTrue(metrics.scrape().contains(series), metrics.scrape());

                clock.advance(Duration.ofMinutes(30));
                assertTrue(metrics.scrape().contains(series), "loaded: kept however idle");

                loaded.clear();
                metrics.observe(back, System.nanoTime()).finish(200); // a last request as it drains
                clock.advance(Duration.ofMinutes(9));
                assertTrue(metrics.scrape().contains(series.replace("} 1.0", "} 2.0")), "unloaded, but requested 9 min ago");
                clock.advance(Duration.ofMinutes(1));
                String scraped = metrics.scrape();
                assertFalse(scraped.contains("jworkers_requests_total{"), scraped);
                assertEquals(List.of(), metrics.requestStats().keys());
            }
        }
    }
}
