package io.jworkers.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Which version of a worker is running: Cloudflare's version metadata binding
 * ({@code CF_VERSION_METADATA}), read with {@link Env#version()}.
 *
 * <p>Under {@code jworkers serve} every deploy, rollback target and promotion is a version with
 * a number from 1 per environment. Under {@code jworkers dev} each (re)load of the worker is a
 * new version, numbered from 1 since the host started, with an empty tag and hash.
 *
 * @param id the version's id, {@code ENVIRONMENT/NUMBER}, e.g. {@code production/3}; unique in a host
 * @param number the version number within its environment, from 1
 * @param environment the environment the version runs in, {@code production} unless a preview
 * @param tag the deploy message ({@code jworkers deploy --message}), or {@code ""} when none was given
 * @param timestamp when the version was created (deployed, or loaded in dev)
 * @param hash the SHA-256 (hex) of the deployed bundle and config, or {@code ""} in dev
 */
public record WorkerVersion(String id, int number, String environment, String tag, Instant timestamp, String hash) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if any field is {@code null}
     */
    public WorkerVersion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(hash, "hash");
    }
}
