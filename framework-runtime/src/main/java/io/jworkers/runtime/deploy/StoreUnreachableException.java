package io.jworkers.runtime.deploy;


/**
 * A shared store (PostgreSQL) could not be reached or failed mid-change: nothing was changed, and the
 * host keeps serving what it applied. The admin API answers 503.
 */
public final class StoreUnreachableException extends DeploymentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, starting with "state store unreachable"
     * @param cause the driver's exception
     */
    public StoreUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
