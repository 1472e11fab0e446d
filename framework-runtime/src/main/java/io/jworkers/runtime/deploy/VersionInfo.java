package io.jworkers.runtime.deploy;

import java.time.Instant;

/**
 * One immutable deployed version of a worker in an environment.
 *
 * @param number    1, 2, 3... per (worker, environment)
 * @param createdAt when the deploy completed its staging
 * @param message   the deploy message, or null
 * @param sha256    the bundle's canonical hash ({@link io.jworkers.runtime.bundle.BundleHash}): SHA-256 over
 *                  its files, config included, so the same code and config always have the same hash
 */
public record VersionInfo(int number, Instant createdAt, String message, String sha256) {
}
