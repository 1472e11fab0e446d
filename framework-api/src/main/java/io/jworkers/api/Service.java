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
     * same name and arity, synchronously on the caller's thread (a method returning
     * {@code CompletableFuture} or {@code CompletionStage} runs on a new virtual thread of the same
     * pipeline). Arguments are copied into the target's parameter types and results into the
     * contract's return types, as structured clone does; shared immutable values pass by
     * reference. Each call of a stub method throws what {@link #fetch(Request)} throws, and
     * {@link ConversionException} for a value that cannot cross, {@link ServiceUnavailableException}
     * when the target is not loaded. The stub is made once per binding and contract and may be kept.
     *
     * @param contract an interface declared by the caller
     * @param <T> the contract type
     * @return the stub
     * @throws IllegalArgumentException if {@code contract} is not an interface
     * @throws ContractMismatchException if the target lacks a method of the contract, or has it
     *     with another arity (the message lists what the target implements)
     */
    <T> T rpc(Class<T> contract);

    /**
     * Calls a public method of the target by name, with arguments copied as {@link #rpc} copies
     * them; the result comes back as a shared value, or as plain data (maps, lists, strings,
     * numbers) for anything that is copied.
     *
     * @param method the method name
     * @param args the arguments
     * @return the result
     * @throws RpcMethodNotFoundException if the target has no public method of that name (the
     *     message lists those it has)
     * @throws ServiceUnavailableException if the target is not loaded
     * @throws ConversionException if an argument or the result cannot cross
     * @throws RuntimeException what {@link #fetch(Request)} throws otherwise
     */
    Object call(String method, Object... args);

    /**
     * Tells whether the target worker is loaded right now.
     *
     * @return {@code true} if a call would reach it
     */
    boolean connected();
}
