package io.jworkers.api;

/**
 * A called worker threw an exception of its own type, which the caller cannot see (its class
 * lives in the callee's class loader). This exception keeps the remote class name, the message
 * and the stack trace, which shows the frames of both workers since the call ran on one thread.
 */
public class RemoteException extends WorkerException {

    /** The class name of the exception thrown in the other worker. */
    private final String remoteClassName;

    /**
     * Creates the exception.
     *
     * @param remoteClassName the fully qualified name of the exception type the callee threw
     * @param message the callee exception's message, possibly {@code null}
     * @param cause the callee exception's cause, already translated, possibly {@code null}
     */
    public RemoteException(String remoteClassName, String message, Throwable cause) {
        super(message, cause);
        this.remoteClassName = remoteClassName;
    }

    /**
     * The fully qualified name of the exception type the callee threw.
     *
     * @return the class name
     */
    public String remoteClassName() {
        return remoteClassName;
    }

    /**
     * Shows the remote type, e.g. {@code io.jworkers.api.RemoteException: com.acme.QuotaException: over quota}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return getClass().getName() + ": " + remoteClassName + (message == null ? "" : ": " + message);
    }
}
