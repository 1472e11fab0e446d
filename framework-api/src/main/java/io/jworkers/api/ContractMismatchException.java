package io.jworkers.api;

/**
 * A typed RPC contract does not match the worker it is bound to: a contract method is missing
 * on the target, or takes another number of arguments. Thrown by {@code env.service(name, Contract.class)}
 * when the target is loaded, else by the first call once it is.
 */
public class ContractMismatchException extends WorkerException {

    /**
     * Creates the exception.
     *
     * @param message which contract, which worker, what is missing and what the worker implements
     */
    public ContractMismatchException(String message) {
        super(message);
    }
}
