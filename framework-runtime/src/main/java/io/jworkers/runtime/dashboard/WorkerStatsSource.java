package io.jworkers.runtime.dashboard;

import java.util.List;

/**
 * Where the dashboard reads a worker's traffic: per version of a worker environment, the request
 * rate, the share of failed requests and the latency percentiles over the last minutes, with a
 * short series for the charts. The metrics' {@code RequestStats} is wired in behind it; the
 * dashboard shows "no traffic yet" for an empty answer and never makes numbers up.
 */
public interface WorkerStatsSource {

    /** A source without traffic: what the dashboard shows until metrics are wired in. */
    WorkerStatsSource NONE = (worker, environment) -> List.of();

    /**
     * The traffic of a worker environment, by version.
     *
     * @param worker the worker
     * @param environment the environment
     * @return one entry per version that served requests in the window, newest version first;
     *     empty when none did
     */
    List<VersionStats> stats(String worker, String environment);

    /**
     * One version's traffic over the window.
     *
     * @param version the version number
     * @param requestsPerSecond requests per second
     * @param errorRate the share of requests that failed (an exception, a deadline, a 5xx), 0 to 1
     * @param p50Millis the median duration in milliseconds
     * @param p99Millis the 99th percentile duration in milliseconds
     * @param series the same numbers over time, for the charts
     */
    record VersionStats(int version, double requestsPerSecond, double errorRate, double p50Millis, double p99Millis,
            Series series) {
    }

    /**
     * Points over time, oldest first; every list has one value per point.
     *
     * @param epochSeconds when each point was taken (seconds since 1970)
     * @param requestsPerSecond the request rate at each point
     * @param errorRate the error share at each point, 0 to 1
     * @param p50Millis the median at each point
     * @param p99Millis the 99th percentile at each point
     */
    record Series(List<Long> epochSeconds, List<Double> requestsPerSecond, List<Double> errorRate, List<Double> p50Millis,
            List<Double> p99Millis) {

        /** No points. */
        public static final Series EMPTY = new Series(List.of(), List.of(), List.of(), List.of(), List.of());

        /** Copies the lists and checks they have one value per point. */
        public Series {
            epochSeconds = List.copyOf(epochSeconds);
            requestsPerSecond = List.copyOf(requestsPerSecond);
            errorRate = List.copyOf(errorRate);
            p50Millis = List.copyOf(p50Millis);
            p99Millis = List.copyOf(p99Millis);
            int n = epochSeconds.size();
            if (requestsPerSecond.size() != n || errorRate.size() != n || p50Millis.size() != n || p99Millis.size() != n) {
                throw new IllegalArgumentException("a series has one value per point in every list");
            }
        }
    }
}
