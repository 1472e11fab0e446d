package io.jworkers.api;

/**
 * A binding call was made after the pipeline's deadline (default 30 s after the top-level
 * request arrived, set with {@code limits.timeout_ms}). The public ingress answers 504.
 */
public class DeadlineExceededException extends WorkerException {

    /**
     * Creates the exception.
     *
     * @param message what ran out of time
     */
    public DeadlineExceededException(String message) {
        super(message);
    }
}
