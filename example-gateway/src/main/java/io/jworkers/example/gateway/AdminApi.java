package io.jworkers.example.gateway;

import java.time.Instant;

/**
 * The gateway's own copy of the application's Admin contract: matched by method name and arity,
 * values converted by shape. No class is shared with the application worker.
 */
public interface AdminApi {

    /** The application's statistics, as the gateway wants them. */
    record Stats(int notes, long created, Instant since, String boundWith) {
    }

    /**
     * Asks the application for its statistics.
     *
     * @return the statistics
     */
    Stats stats();
}
