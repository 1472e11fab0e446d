package io.jworkers.runtime.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent request statistics per worker, environment and version, for the dashboard: request
 * rate, error rate and p50/p99 latency over the last minutes, and a short time series for
 * charts. Prometheus keeps the long history (from {@code GET /metrics}); this is what a host can
 * show without one.
 *
 * <p>The host keeps {@value #BUCKETS} buckets of {@value #BUCKET_SECONDS} s per version (the last
 * 10 minutes): each with the requests, the errors and a latency histogram of logarithmic cells,
 * four per power of two, so a percentile is within about 10 % of the true one (it is interpolated
 * inside its cell, as Prometheus' {@code histogram_quantile} does). An <em>error</em> is a request
 * whose outcome is not {@code ok} (an exception, a deadline, a limit, the client gone) or whose
 * status is 500 or more. Windows end now and include the bucket in progress; their rate divides by
 * the time they actually cover.
 *
 * <p>Versions that are no longer loaded are forgotten once their last request is older than the
 * 10 minutes kept. Thread-safe.
 */
public final class RequestStats {

    /** The length of one bucket, in seconds. */
    public static final int BUCKET_SECONDS = 10;
    /** How many buckets are kept: 10 minutes. */
    public static final int BUCKETS = 60;
    /** The longest window a query may ask for. */
    public static final Duration KEPT = Duration.ofSeconds((long) BUCKET_SECONDS * BUCKETS);

    /**
     * One version of one worker environment.
     *
     * @param worker the worker's name
     * @param environment its environment, e.g. {@code production}
     * @param version the version number, as the {@code version} label has it ({@code "3"})
     */
    public record Key(String worker, String environment, String version) {
    }

    /**
     * The requests of a window that ends now.
     *
     * @param length how long the window is (what was asked for)
     * @param requests the requests that ended in it
     * @param errors those that were errors
     * @param requestsPerSecond {@code requests} divided by the seconds the window covers so far
     * @param errorRate {@code errors / requests}, 0 when there were none
     * @param p50 the median duration, {@code null} when there were no requests
     * @param p99 the 99th percentile, {@code null} when there were no requests
     */
    public record Window(Duration length, long requests, long errors, double requestsPerSecond, double errorRate,
            Duration p50, Duration p99) {
    }

    /**
     * One bucket of a time series.
     *
     * @param start when the bucket began
     * @param requests the requests that ended in it
     * @param errors those that were errors
     * @param p50 the median duration, {@code null} when there were no requests
     * @param p99 the 99th percentile, {@code null} when there were no requests
     */
    public record Point(Instant start, long requests, long errors, Duration p50, Duration p99) {
    }

    private final Clock clock;
    private final Map<Key, Cells> versions = new ConcurrentHashMap<>();

    /**
     * Statistics on a clock.
     *
     * @param clock the clock buckets follow (a test's own, else the system's)
     */
    public RequestStats(Clock clock) {
        this.clock = clock;
    }

    /**
     * The buckets of a version, made on first use; {@link HostMetrics} keeps them with the
     * version's meters, so a request records without a lookup.
     *
     * @param key the version
     * @return its buckets
     */
    Cells cells(Key key) {
        return versions.computeIfAbsent(key, k -> new Cells());
    }

    /**
     * Records one request of a version.
     *
     * @param key the version
     * @param nanos how long it took
     * @param error whether it was an error
     */
    public void record(Key key, long nanos, boolean error) {
        cells(key).add(currentBucket(), nanos, error);
    }

    void record(Cells cells, long nanos, boolean error) {
        cells.add(currentBucket(), nanos, error);
    }

    /**
     * The versions that have statistics: every one that had a request in the last 10 minutes.
     *
     * @return the keys, sorted by worker, environment and version number
     */
    public List<Key> keys() {
        long oldest = currentBucket() - BUCKETS + 1;
        List<Key> keys = new ArrayList<>();
        versions.forEach((key, cells) -> {
            if (cells.newest() >= oldest) {
                keys.add(key);
            }
        });
        keys.sort(Comparator.comparing(Key::worker).thenComparing(Key::environment)
                .thenComparingLong(key -> versionNumber(key.version())));
        return keys;
    }

    /**
     * One version's requests of the last {@code last}.
     *
     * @param key the version
     * @param last the window, from {@value #BUCKET_SECONDS} s to 10 minutes, rounded up to whole buckets
     * @return the statistics (all zero for a version without requests)
     */
    public Window window(Key key, Duration last) {
        return window(List.of(key), last);
    }

    /**
     * All versions of a worker environment together, over the last {@code last} (a split's
     * versions, or a version and the one it replaced).
     *
     * @param worker the worker
     * @param environment its environment
     * @param last the window, from {@value #BUCKET_SECONDS} s to 10 minutes
     * @return the statistics
     */
    public Window window(String worker, String environment, Duration last) {
        return window(versionsOf(worker, environment), last);
    }

    /**
     * One version's last 10 minutes, one point per {@value #BUCKET_SECONDS} s bucket, oldest first
     * (the last one is the bucket in progress).
     *
     * @param key the version
     * @return {@value #BUCKETS} points
     */
    public List<Point> series(Key key) {
        return series(List.of(key));
    }

    /**
     * All versions of a worker environment together, as {@link #series(Key)} gives one.
     *
     * @param worker the worker
     * @param environment its environment
     * @return {@value #BUCKETS} points
     */
    public List<Point> series(String worker, String environment) {
        return series(versionsOf(worker, environment));
    }

    /**
     * Forgets the versions not in {@code loaded} whose last request is older than the 10 minutes kept.
     *
     * @param loaded the versions loaded now
     * @return the versions forgotten
     */
    List<Key> forgetUnloaded(Set<Key> loaded) {
        long oldest = currentBucket() - BUCKETS + 1;
        List<Key> gone = new ArrayList<>();
        versions.forEach((key, cells) -> {
            if (!loaded.contains(key) && cells.newest() < oldest) {
                gone.add(key);
            }
        });
        gone.forEach(versions::remove);
        return gone;
    }

    private List<Key> versionsOf(String worker, String environment) {
        return versions.keySet().stream()
                .filter(key -> key.worker().equals(worker) && key.environment().equals(environment)).toList();
    }

    private Window window(List<Key> keys, Duration last) {
        if (last.isNegative() || last.isZero() || last.compareTo(KEPT) > 0) {
            throw new IllegalArgumentException("A window is from " + BUCKET_SECONDS + " s to " + KEPT.toMinutes()
                    + " minutes, not " + last);
        }
        long now = clock.millis();
        long current = Math.floorDiv(now, BUCKET_SECONDS * 1000L);
        int count = (int) Math.min(BUCKETS, (last.toMillis() + BUCKET_SECONDS * 1000L - 1) / (BUCKET_SECONDS * 1000L));
        long first = current - count + 1;
        Sum sum = new Sum();
        for (Key key : keys) {
            Cells cells = versions.get(key);
            if (cells != null) {
                cells.addTo(sum, first, current);
            }
        }
        double seconds = Math.max(1, now - first * BUCKET_SECONDS * 1000L) / 1000.0;
        return new Window(last, sum.requests, sum.errors, sum.requests / seconds,
                sum.requests == 0 ? 0 : (double) sum.errors / sum.requests, sum.percentile(0.50), sum.percentile(0.99));
    }

    private List<Point> series(List<Key> keys) {
        long current = currentBucket();
        List<Point> points = new ArrayList<>(BUCKETS);
        for (long bucket = current - BUCKETS + 1; bucket <= current; bucket++) {
            Sum sum = new Sum();
            for (Key key : keys) {
                Cells cells = versions.get(key);
                if (cells != null) {
                    cells.addTo(sum, bucket, bucket);
                }
            }
            points.add(new Point(Instant.ofEpochMilli(bucket * BUCKET_SECONDS * 1000L), sum.requests, sum.errors,
                    sum.percentile(0.50), sum.percentile(0.99)));
        }
        return points;
    }

    private long currentBucket() {
        return Math.floorDiv(clock.millis(), BUCKET_SECONDS * 1000L);
    }

    private static long versionNumber(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A sum over buckets, versions or both. */
    private static final class Sum {
        long requests;
        long errors;
        final long[] latencies = new long[Latency.CELLS];

        Duration percentile(double quantile) {
            return requests == 0 ? null : Duration.ofNanos(Latency.percentile(latencies, requests, quantile));
        }
    }

    /** The buckets of one version, a ring indexed by bucket number modulo {@value #BUCKETS}. */
    static final class Cells {
        private final long[] bucketOf = new long[BUCKETS];
        private final long[] requests = new long[BUCKETS];
        private final long[] errors = new long[BUCKETS];
        private final int[][] latencies = new int[BUCKETS][];
        private long newest = Long.MIN_VALUE;

        Cells() {
            java.util.Arrays.fill(bucketOf, Long.MIN_VALUE);
        }

        synchronized void add(long bucket, long nanos, boolean error) {
            int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
            if (bucketOf[slot] != bucket) {
                bucketOf[slot] = bucket;
                requests[slot] = 0;
                errors[slot] = 0;
                if (latencies[slot] != null) {
                    java.util.Arrays.fill(latencies[slot], 0);
                }
            }
            requests[slot]++;
            if (error) {
                errors[slot]++;
            }
            if (latencies[slot] == null) {
                latencies[slot] = new int[Latency.CELLS];
            }
            latencies[slot][Latency.cell(nanos)]++;
            newest = Math.max(newest, bucket);
        }

        synchronized void addTo(Sum sum, long first, long last) {
            for (long bucket = Math.max(first, last - BUCKETS + 1); bucket <= last; bucket++) {
                int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
                if (bucketOf[slot] != bucket) {
                    continue;
                }
                sum.requests += requests[slot];
                sum.errors += errors[slot];
                int[] cells = latencies[slot];
                for (int i = 0; i < cells.length; i++) {
                    sum.latencies[i] += cells[i];
                }
            }
        }

        synchronized long newest() {
            return newest;
        }
    }

    /**
     * Logarithmic latency cells: cell 0 holds everything under 1024 ns, then four cells per
     * power of two up to 2^41 ns (about 36 minutes), the last one holding everything longer.
     */
    static final class Latency {
        static final int FIRST_POWER = 10;
        static final int LAST_POWER = 40;
        static final int CELLS = 1 + (LAST_POWER - FIRST_POWER + 1) * 4;

        private Latency() {
        }

        static int cell(long nanos) {
            if (nanos < (1L << FIRST_POWER)) {
                return 0;
            }
            int power = 63 - Long.numberOfLeadingZeros(nanos);
            if (power > LAST_POWER) {
                return CELLS - 1;
            }
            int quarter = (int) ((nanos >>> (power - 2)) & 3);
            return 1 + (power - FIRST_POWER) * 4 + quarter;
        }

        static long lower(int cell) {
            if (cell == 0) {
                return 0;
            }
            int power = (cell - 1) / 4 + FIRST_POWER;
            int quarter = (cell - 1) % 4;
            return (4L + quarter) << (power - 2);
        }

        static long upper(int cell) {
            if (cell == 0) {
                return 1L << FIRST_POWER;
            }
            int power = (cell - 1) / 4 + FIRST_POWER;
            int quarter = (cell - 1) % 4;
            return (5L + quarter) << (power - 2);
        }

        // The value of rank ceil(quantile * total), interpolated inside its cell.
        static long percentile(long[] cells, long total, double quantile) {
            double rank = Math.max(1, Math.ceil(quantile * total));
            long below = 0;
            for (int i = 0; i < cells.length; i++) {
                if (cells[i] == 0) {
                    continue;
                }
                if (below + cells[i] >= rank) {
                    double within = (rank - below) / cells[i];
                    return lower(i) + Math.round((upper(i) - lower(i)) * within);
                }
                below += cells[i];
            }
            return upper(cells.length - 1);
        }
    }
}
