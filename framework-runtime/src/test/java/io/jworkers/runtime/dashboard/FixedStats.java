package io.jworkers.runtime.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Traffic numbers a test decides, in place of the metrics' RequestStats: a fixed answer per worker. */
final class FixedStats implements WorkerStatsSource {

    private final Map<String, List<VersionStats>> byWorker;

    FixedStats(Map<String, List<VersionStats>> byWorker) {
        this.byWorker = byWorker;
    }

    @Override
    public List<VersionStats> stats(String worker, String environment) {
        return byWorker.getOrDefault(worker, List.of());
    }

    /** A version with these numbers now and a short series that ends at them. */
    static VersionStats version(int version, double rate, double errors, double p50, double p99) {
        List<Long> times = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> errorRates = new ArrayList<>();
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double f = 0.5 + i / 22.0;
            times.add(1_760_000_000L + i * 10L);
            rates.add(rate * f);
            errorRates.add(errors * f);
            p50s.add(p50 * (1.5 - f / 2));
            p99s.add(p99 * (1.5 - f / 2));
        }
        return new VersionStats(version, rate, errors, p50, p99, new Series(times, rates, errorRates, p50s, p99s));
    }
}
