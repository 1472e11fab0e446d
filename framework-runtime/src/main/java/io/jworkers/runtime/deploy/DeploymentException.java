package io.jworkers.runtime.deploy;

/**
 * A deploy, rollback, promotion or secret operation was refused or failed. The message says
 * what was wrong and never contains a secret value. When it is thrown, the store is unchanged.
 */
public class DeploymentException extends RuntimeException {

    public DeploymentException(String message) {
        super(message);
    }

    public DeploymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
