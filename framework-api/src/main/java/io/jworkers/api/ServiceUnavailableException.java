package io.jworkers.api;

/**
 * The binding's target worker is not loaded (in {@code dev}: not started), so an RPC call
 * cannot reach it. A {@code fetch} through such a binding answers 503 instead of throwing.
 */
public class ServiceUnavailableException extends WorkerException {

    /**
     * Creates the exception.
     *
     * @param message which worker is missing and what to do
     */
    public ServiceUnavailableException(String message) {
        super(message);
    }
}
