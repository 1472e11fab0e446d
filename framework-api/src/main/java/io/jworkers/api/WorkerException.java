package io.jworkers.api;

/**
 * The base of every exception the jworkers host throws into worker code. All are unchecked.
 */
public class WorkerException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do
     */
    public WorkerException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what happened and what to do
     * @param cause the cause, possibly {@code null}
     */
    public WorkerException(String message, Throwable cause) {
        super(message, cause);
    }
}
