package io.jworkers.runtime.deploy;

/**
 * A worker environment's files in the state folder are damaged or missing, so its current
 * version cannot be read. The message says which file and what to do; a deploy repairs it.
 */
public final class DamagedStateException extends DeploymentException {

    /**
     * Creates the exception.
     *
     * @param message what is damaged, where, and what to do
     */
    public DamagedStateException(String message) {
        super(message);
    }
}
