package io.jworkers.runtime.metrics;

import io.jworkers.runtime.dashboard.WorkerStatsSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The host's request statistics as the dashboard shows them: per version, the last minute's
 * rate, error share and p50/p99, and the last ten minutes in 10 s points for the charts (points
 * without requests are left out, so a chart shows a gap rather than a made-up latency).
 */
public final class DashboardStats implements WorkerStatsSource {

    /** The window of the numbers in the tables. */
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final RequestStats stats;

    /**
     * The dashboard's view of a host's statistics.
     *
     * @param stats the host's statistics
     */
    public DashboardStats(RequestStats stats) {
        this.stats = stats;
    }

    @Override
    public List<VersionStats> stats(String worker, String environment) {
        List<RequestStats.Key> keys = stats.keys().stream()
                .filter(key -> key.worker().equals(worker) && key.environment().equals(environment))
                .sorted(Comparator.comparingInt((RequestStats.Key key) -> number(key.version())).reversed())
                .toList();
        List<VersionStats> result = new ArrayList<>();
        for (RequestStats.Key key : keys) {
            Series series = series(stats.series(key));
            RequestStats.Window window = stats.window(key, WINDOW);
            if (window.requests() == 0 && series.epochSeconds().isEmpty()) {
                continue;
            }
            result.add(new VersionStats(number(key.version()), window.requestsPerSecond(), window.errorRate(),
                    millis(window.p50()), millis(window.p99()), series));
        }
        return result;
    }

    private static Series series(List<RequestStats.Point> points) {
        List<Long> times = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (RequestStats.Point point : points) {
            if (point.requests() == 0) {
                continue;
            }
            times.add(point.start().getEpochSecond());
            rates.add(point.requests() / (double) RequestStats.BUCKET_SECONDS);
            errors.add(point.errors() / (double) point.requests());
            p50.add(millis(point.p50()));
            p99.add(millis(point.p99()));
        }
        return new Series(times, rates, errors, p50, p99);
    }

    private static double millis(Duration duration) {
        return duration == null ? 0 : duration.toNanos() / 1e6;
    }

    private static int number(String version) {
        try {
            return Integer.parseInt(version);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
