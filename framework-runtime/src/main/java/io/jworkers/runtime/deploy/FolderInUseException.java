package io.jworkers.runtime.deploy;

import java.nio.file.Path;

/**
 * A state folder is held by another {@code jworkers serve} (its OS lock on {@code serve.lock}):
 * one host per folder. Callers that want to say something else than "stop that host" (a
 * migration) read which folder and which process.
 */
public final class FolderInUseException extends DeploymentException {

    private static final long serialVersionUID = 1L;

    private final transient Path folder;
    private final String holder;

    /**
     * Creates the exception.
     *
     * @param folder the state folder
     * @param holder the process id of the host holding it, or {@code ""} if it cannot be read
     * @param message what to do
     */
    public FolderInUseException(Path folder, String holder, String message) {
        super(message);
        this.folder = folder;
        this.holder = holder;
    }

    /**
     * The state folder.
     *
     * @return its absolute path
     */
    public Path folder() {
        return folder;
    }

    /**
     * The process that holds it.
     *
     * @return its id, or {@code ""} when the lock file does not say
     */
    public String holder() {
        return holder;
    }
}
