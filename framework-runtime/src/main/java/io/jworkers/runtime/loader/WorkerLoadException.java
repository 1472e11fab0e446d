package io.jworkers.runtime.loader;

/**
 * A worker could not be loaded: no entrypoint, several, a class that is not a valid entrypoint,
 * or a constructor or {@code start()} that failed. The message names the worker and what to do.
 */
public final class WorkerLoadException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what went wrong, where, and what to do
     */
    public WorkerLoadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, where, and what to do
     * @param cause the underlying failure
     */
    public WorkerLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
