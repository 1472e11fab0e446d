package io.jworkers.runtime.metrics;

/**
 * One request that reached a worker, observed by {@link HostMetrics}: the ingress says how the
 * worker ended (if not with a response) and, once the response is sent, its status.
 */
public final class RequestObservation {

    /** Observes nothing: for a listener started without metrics. */
    public static final RequestObservation NONE = new RequestObservation(null, 0);

    private final HostMetrics.VersionMeters meters;
    private final long startNanos;
    private RequestOutcome outcome = RequestOutcome.OK;

    RequestObservation(HostMetrics.VersionMeters meters, long startNanos) {
        this.meters = meters;
        this.startNanos = startNanos;
    }

    /**
     * Records what escaped the worker (the host answers 500 or 504).
     *
     * @param thrown the exception or error
     */
    public void failed(Throwable thrown) {
        if (meters != null) {
            outcome = RequestOutcome.of(thrown);
        }
    }

    /** Records that the client went away before the response could be sent. */
    public void clientDisconnected() {
        if (meters != null) {
            outcome = RequestOutcome.CLIENT_DISCONNECTED;
        }
    }

    /**
     * Ends the observation: counts the request and records its duration, from the moment the
     * ingress read it to now.
     *
     * @param status the status sent (or logged: 499 when the client went away)
     */
    public void finish(int status) {
        if (meters != null) {
            finish(status, System.nanoTime());
        }
    }

    /**
     * Ends the observation as {@link #finish(int)} does, with the end read by the caller (the
     * ingress reads it once for this and the access line).
     *
     * @param status the status sent
     * @param endNanos when the response was sent ({@link System#nanoTime()})
     */
    public void finish(int status, long endNanos) {
        if (meters != null) {
            meters.finished(outcome, status, endNanos - startNanos);
        }
    }
}
