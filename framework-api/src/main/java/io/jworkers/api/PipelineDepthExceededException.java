package io.jworkers.api;

/**
 * A binding call would make the pipeline deeper than its limit (32 workers, as in Cloudflare):
 * usually a cycle such as A → B → A.
 */
public class PipelineDepthExceededException extends WorkerException {

    /** The depth limit that was reached. */
    private final int limit;

    /**
     * Creates the exception.
     *
     * @param limit the depth limit that was hit
     */
    public PipelineDepthExceededException(int limit) {
        this(limit, null);
    }

    /**
     * Creates the exception, saying where the limit was hit.
     *
     * @param limit the depth limit that was hit
     * @param detail which call hit it and what to do, appended to the message; or {@code null}
     */
    public PipelineDepthExceededException(int limit, String detail) {
        super("Subrequest depth limit exceeded: this request recursed through workers too many times (limit "
                + limit + ")" + (detail == null ? "" : ": " + detail));
        this.limit = limit;
    }

    /**
     * The depth limit that was hit.
     *
     * @return the limit, 32 by default
     */
    public int limit() {
        return limit;
    }
}
