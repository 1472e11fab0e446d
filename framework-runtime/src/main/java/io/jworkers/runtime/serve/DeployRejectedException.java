package io.jworkers.runtime.serve;

/**
 * A deploy, rollback or other admin change was refused; nothing changed. The message says why
 * and what to do; the status is the admin API's answer (400 bad input, 404 unknown, 409 conflict,
 * 413 upload too large, 507 no space left on the host's disk).
 */
public final class DeployRejectedException extends RuntimeException {

    private final int status;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status the admin API answers with
     * @param message why, and what to do
     */
    public DeployRejectedException(int status, String message) {
        super(message);
        this.status = status;
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
