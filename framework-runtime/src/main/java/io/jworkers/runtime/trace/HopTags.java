package io.jworkers.runtime.trace;

/**
 * What a span of one worker hop says about it, made once per binding, target version and (for
 * RPC) method, not per call; only read when spans are exported.
 *
 * @param worker the called worker
 * @param version its version number
 * @param environment its environment
 * @param binding the binding the call came through, {@code null} for the top-level request
 * @param method the RPC method, {@code null} for fetch
 */
public record HopTags(String worker, int version, String environment, String binding, String method) {

    /**
     * The same hop through an RPC method.
     *
     * @param name the method name
     * @return the tags
     */
    public HopTags withMethod(String name) {
        return new HopTags(worker, version, environment, binding, name);
    }

    /**
     * {@code fetch} or {@code rpc}.
     *
     * @return the kind
     */
    public String kind() {
        return method == null ? "fetch" : "rpc";
    }
}
