package io.jworkers.api;

import java.util.concurrent.CompletableFuture;

/**
 * One service binding: a handle on another worker, called in-process on the caller's thread.
 *
 * <p>A call joins the caller's pipeline: it counts as one subrequest, runs one level deeper
 * (at most 32 workers deep), and must start before the pipeline's deadline. While the target
 * runs, the thread's context class loader is the target's.
 */
public interface Service {

    /**
     * Sends a request to the target worker's {@code fetch}. The request and the response are
     * passed by reference; no socket is opened and nothing is copied.
     *
     * <p>If the target is not loaded (in {@code dev}: not started), answers 503 with
     * {@code Worker "NAME" not found. Make sure it is running locally.}
     *
     * @param request the request; its body is read by the target
     * @return the target's response
     * @throws PipelineDepthExceededException if the call would go deeper than 32 workers
     * @throws SubrequestLimitExceededException if the pipeline has used up its subrequests
     * @throws DeadlineExceededException if the pipeline's deadline has passed
     * @throws RuntimeException whatever the target threw, translated so that no class of the
     *     target's leaks ({@link RemoteException} for the target's own exception types)
     */
    Response fetch(Request request);

    /**
     * Sends a {@code GET} to the target worker's {@code fetch}.
     *
     * @param url an absolute URL or a path (resolved against {@code http://localhost/})
     * @return the target's response
     * @throws IllegalArgumentException if the URL cannot be parsed
     * @see #fetch(Request)
     */
    Response fetch(String url);

    /**
     * Sends a request to the target's {@code fetch} on a new virtual thread that joins the
     * caller's pipeline (same request id, depth, counters and deadline).
     *
     * @param request the request
     * @return the response, or the exception {@link #fetch(Request)} would have thrown
     */
    CompletableFuture<Response> fetchAsync(Request request);

    /**
     * A typed RPC stub: each method of the contract calls the target's public method of the
     * same name and arity.
     *
     * @param contract an interface
     * @param <T> the contract type
     * @return the stub
     * @throws UnsupportedOperationException until typed RPC is available in this host
     */
    <T> T rpc(Class<T> contract);

    /**
     * Calls a public method of the target by name.
     *
     * @param method the method name
     * @param args the arguments
     * @return the result
     * @throws UnsupportedOperationException until RPC is available in this host
     */
    Object call(String method, Object... args);

    /**
     * Tells whether the target worker is loaded right now.
     *
     * @return {@code true} if a call would reach it
     */
    boolean connected();
}
