package io.jworkers.api;

import java.util.List;

/**
 * An RPC call named a method that the target worker does not implement.
 */
public class RpcMethodNotFoundException extends WorkerException {

    /** The method that was called. */
    private final String method;
    /** The methods the target does have. */
    private final List<String> available;

    /**
     * Creates the exception.
     *
     * @param method the method that was called
     * @param available the RPC methods the target does implement
     */
    public RpcMethodNotFoundException(String method, List<String> available) {
        this(method, available, null);
    }

    /**
     * Creates the exception with the reason the name cannot be called.
     *
     * @param method the method that was called
     * @param available the RPC methods the target does implement
     * @param reason why this name is not an RPC method (e.g. {@code fetch} is reserved for HTTP), or {@code null}
     */
    public RpcMethodNotFoundException(String method, List<String> available, String reason) {
        super("The RPC receiver does not implement the method \"" + method + "\"."
                + (reason == null ? "" : " " + reason)
                + (available.isEmpty() ? " It has no RPC methods." : " It implements: " + String.join(", ", available) + "."));
        this.method = method;
        this.available = List.copyOf(available);
    }

    /**
     * The method that was called.
     *
     * @return the method name
     */
    public String method() {
        return method;
    }

    /**
     * The RPC methods the target implements.
     *
     * @return the method names, unmodifiable
     */
    public List<String> available() {
        return available;
    }
}
