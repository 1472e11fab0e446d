package io.jworkers.api;

/**
 * A pipeline made more binding calls than its limit allows (default 1000, set with
 * {@code limits.subrequests} of the worker that received the top-level request).
 */
public class SubrequestLimitExceededException extends WorkerException {

    /** The subrequest limit that was reached. */
    private final int limit;

    /**
     * Creates the exception.
     *
     * @param limit the subrequest limit that was hit
     */
    public SubrequestLimitExceededException(int limit) {
        super("Too many subrequests: this request made more than " + limit
                + " binding calls (raise limits.subrequests of the worker that received the request if this is expected)");
        this.limit = limit;
    }

    /**
     * The subrequest limit that was hit.
     *
     * @return the limit
     */
    public int limit() {
        return limit;
    }
}
