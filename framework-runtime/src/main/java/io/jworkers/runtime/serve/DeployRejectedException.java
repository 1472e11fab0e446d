package io.jworkers.runtime.serve;

/**
 * A deploy, rollback or other admin change was refused; nothing changed. The message says why
 * and what to do; the status is the admin API's answer (400 bad input, 404 unknown, 409 conflict,
 * 413 upload too large, 507 no space left on the host's disk).
 */
public final class DeployRejectedException extends RuntimeException {

    private final int status;
    private final boolean closesConnection;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status the admin API answers with
     * @param message why, and what to do
     */
    public DeployRejectedException(int status, String message) {
        this(status, message, status == 413);
    }

    private DeployRejectedException(int status, String message, boolean closesConnection) {
        super(message);
        this.status = status;
        this.closesConnection = closesConnection;
    }

    /**
     * A refusal after which the connection is closed, because the rest of the request body cannot
     * be trusted or is not worth reading (it is over the limit, malformed, or stopped arriving).
     *
     * @param status the HTTP status the admin API answers with
     * @param message why, and what to do
     * @return the exception
     */
    public static DeployRejectedException closing(int status, String message) {
        return new DeployRejectedException(status, message, true);
    }

    /**
     * Whether the admin API closes the connection after answering.
     *
     * @return {@code true} after a request body it did not read to its end
     */
    public boolean closesConnection() {
        return closesConnection;
    }

    /**
     * The admin API's status for it.
     *
     * @return 400, 404, 409, 413 or 507
     */
    public int status() {
        return status;
    }
}
