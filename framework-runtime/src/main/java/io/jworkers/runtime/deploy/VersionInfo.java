package io.jworkers.runtime.deploy;

import java.time.Instant;

/**
 * One immutable deployed version of a worker in an environment.
 *
 * @param number    1, 2, 3... per (worker, environment)
 * @param createdAt when the deploy completed its staging
 * @param message   the deploy message, or null
 * @param sha256    SHA-256 hex of the bundle zip bytes followed by the config's UTF-8 bytes
 */
public record VersionInfo(int number, Instant createdAt, String message, String sha256) {
}
