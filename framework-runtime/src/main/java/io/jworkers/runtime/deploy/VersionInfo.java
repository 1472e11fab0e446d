package io.jworkers.runtime.deploy;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One immutable version of a worker in an environment: every deploy, promotion and secret change
 * makes one, so {@code jworkers versions} tells the whole story and a rollback restores code,
 * settings and secrets together.
 *
 * @param number      1, 2, 3... per (worker, environment)
 * @param createdAt   when the version was made
 * @param message     the deploy message, or what changed ("Secret API_KEY set"); may be null
 * @param sha256      the bundle's content hash (see {@code BundleHash}): the same classes, jars and
 *                    config give the same hash; a secret change keeps it
 * @param routesTaken routes this worker took from another worker with {@code deploy --take-routes},
 *                    with when it took them: of several workers declaring a route, the latest taker
 *                    serves it; empty when it took none
 */
public record VersionInfo(int number, Instant createdAt, String message, String sha256, Map<String, Instant> routesTaken) {

    /** Defaults a missing {@code routesTaken} (versions written before it existed) to none. */
    public VersionInfo {
        routesTaken = routesTaken == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(routesTaken));
    }
}
