package io.jworkers.runtime.config;

/**
 * Per-request budgets of a worker, so one runaway call chain cannot take the whole host down.
 *
 * @param subrequests how many binding calls one incoming request may make in total
 * @param timeoutMs how long one incoming request may run, in milliseconds
 */
public record Limits(int subrequests, long timeoutMs) {

    /** Cloudflare's defaults for paid plans, so code that works there behaves the same here. */
    public static final Limits DEFAULT = new Limits(1000, 30_000);

    /**
     * Rejects non-positive budgets, which would make every request fail; the config loader
     * enforces the tighter documented ranges with a friendlier message.
     */
    public Limits {
        if (subrequests < 1) {
            throw new IllegalArgumentException("subrequests must be at least 1, got " + subrequests);
        }
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("timeoutMs must be at least 1, got " + timeoutMs);
        }
    }
}
