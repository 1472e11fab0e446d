package io.jworkers.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link RequestStats} on a clock of the test's: windows, rates, percentiles, the series, forgetting. */
class RequestStatsTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    private final TestClock clock = new TestClock();
    private final RequestStats stats = new RequestStats(clock);
    private final RequestStats.Key v1 = new RequestStats.Key("front", "production", "1");
    private final RequestStats.Key v2 = new RequestStats.Key("front", "production", "2");

    @Test
    void aWindowCountsItsBucketsAndDividesByTheTimeItCovers() {
        for (int i = 0; i < 100; i++) {
            stats.record(v1, (i + 1) * 1_000_000L, i >= 90); // 1 ms ... 100 ms, the last 10 errors
        }
        clock.advance(Duration.ofSeconds(5));
        RequestStats.Window minute = stats.window(v1, Duration.ofMinutes(1));
        assertEquals(100, minute.requests());
        assertEquals(10, minute.errors());
        assertEquals(0.1, minute.errorRate());
        // The window began 50 s before the current bucket, which began 5 s ago.
        assertEquals(100 / 55.0, minute.requestsPerSecond(), 1e-9);
        assertWithin(50, minute.p50(), 0.1);
        assertWithin(99, minute.p99(), 0.1);

        clock.advance(Duration.ofSeconds(60));
        assertEquals(0, stats.window(v1, Duration.ofMinutes(1)).requests());
        assertNull(stats.window(v1, Duration.ofMinutes(1)).p50());
        assertEquals(100, stats.window(v1, Duration.ofMinutes(5)).requests());
    }

    @Test
    void theSeriesHasOnePointPerTenSecondsOldestFirst() {
        stats.record(v1, 2_000_000, false);
        clock.advance(Duration.ofSeconds(10));
        stats.record(v1, 4_000_000, true);
        stats.record(v2, 4_000_000, false);
        List<RequestStats.Point> points = stats.series(v1);
        assertEquals(RequestStats.BUCKETS, points.size());
        RequestStats.Point last = points.get(RequestStats.BUCKETS - 1);
        RequestStats.Point before = points.get(RequestStats.BUCKETS - 2);
        assertEquals(Instant.parse("2026-01-01T00:00:10Z"), last.start());
        assertEquals(1, last.requests());
        assertEquals(1, last.errors());
        assertEquals(1, before.requests());
        assertEquals(0, before.errors());
        assertEquals(0, points.get(0).requests());
        assertNull(points.get(0).p50());
        assertEquals(2, stats.series("front", "production").get(RequestStats.BUCKETS - 1).requests());
        assertEquals(3, stats.window("front", "production", Duration.ofMinutes(1)).requests());
        assertEquals(List.of(v1, v2), stats.keys());
    }

    @Test
    void unloadedVersionsAreForgottenOnceTheirLastRequestIsOlderThanTenMinutes() {
        stats.record(v1, 1_000_000, false);
        stats.record(v2, 1_000_000, false);
        clock.advance(Duration.ofMinutes(9));
        assertEquals(List.of(), stats.forgetUnloaded(Set.of(v2)));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(List.of(v1), stats.forgetUnloaded(Set.of(v2)));
        assertEquals(List.of(), stats.keys()); // v2 is still known, but had no request in the window
        assertEquals(List.of(), stats.forgetUnloaded(Set.of(v2)));
    }

    @Test
    void windowsAreFromTenSecondsToTenMinutes() {
        assertThrows(IllegalArgumentException.class, () -> stats.window(v1, Duration.ofMinutes(11)));
        assertThrows(IllegalArgumentException.class, () -> stats.window(v1, Duration.ZERO));
        assertEquals(0, stats.window(v1, Duration.ofSeconds(10)).requests());
    }

    @Test
    void latencyCellsCoverMicrosecondsToMinutesWithinAQuarterOfAPowerOfTwo() {
        for (long nanos : new long[] {1500, 999_999, 1_000_000, 123_456_789, 60_000_000_000L}) {
            int cell = RequestStats.Latency.cell(nanos);
            assertTrue(RequestStats.Latency.lower(cell) <= nanos && nanos < RequestStats.Latency.upper(cell), nanos + " in " + cell);
            assertTrue(RequestStats.Latency.upper(cell) <= RequestStats.Latency.lower(cell) * 1.26, "cell " + cell);
        }
        assertEquals(0, RequestStats.Latency.cell(10));
        assertEquals(RequestStats.Latency.CELLS - 1, RequestStats.Latency.cell(Long.MAX_VALUE));
    }

    private static void assertWithin(long expectedMillis, Duration actual, double fraction) {
        double millis = actual.toNanos() / 1e6;
        assertTrue(Math.abs(millis - expectedMillis) <= expectedMillis * fraction, expectedMillis + " ms ~ " + actual);
    }
}
