package io.jworkers.api;

import io.jworkers.bridge.HostBridge;

/**
 * The base class of every worker. A worker module holds one or more concrete subclasses; the
 * host creates one instance per loaded worker version (like a servlet), so a worker must be
 * thread-safe: many requests run through the same instance at once, each on its own virtual
 * thread.
 *
 * <pre>{@code
 * public final class AuthWorker extends WorkerEntrypoint {
 *     @Override
 *     public Response fetch(Request request, Env env) {
 *         return env.secret("SECRET_TOKEN").equals(request.headers().get("x-custom-token"))
 *                 ? Response.text(200, "Request allowed")
 *                 : Response.text(403, "x-custom-token does not match, request not allowed");
 *     }
 * }
 * }</pre>
 *
 * <p>A subclass needs a public no-argument constructor. {@link #fetch} serves HTTP (from the
 * public ingress when the worker has routes, or from other workers' service bindings); every
 * other public instance method the subclass declares is callable over RPC.
 */
public abstract class WorkerEntrypoint {

    static {
        HostBridge.setLifecycle(new HostBridge.Lifecycle() {
            @Override
            public void start(WorkerEntrypoint worker) {
                worker.start();
            }

            @Override
            public void stop(WorkerEntrypoint worker) {
                worker.stop();
            }
        });
    }

    private final Env env;

    /**
     * Creates the worker. The host supplies its environment; a worker created with {@code new}
     * outside a host has none, and {@link #env()} then throws.
     */
    protected WorkerEntrypoint() {
        this.env = HostBridge.takeConstructionEnv();
    }

    /**
     * Serves an HTTP request. The default answers 404.
     *
     * @param request the request; its body may be read once
     * @param env this worker's environment (the same as {@link #env()})
     * @return the response; never {@code null}
     */
    public Response fetch(Request request, Env env) {
        return Response.text(404, "Not Found");
    }

    /**
     * This worker's environment: its bindings, vars and secrets.
     *
     * @return the environment
     * @throws IllegalStateException if the worker was not created by a jworkers host
     */
    protected final Env env() {
        if (env == null) {
            throw new IllegalStateException(getClass().getName()
                    + " was created outside a jworkers host, so it has no Env; run it in a host (jworkers dev) or pass the Env to fetch");
        }
        return env;
    }

    /**
     * The context of the call this thread is serving right now.
     *
     * @return the execution context
     * @throws IllegalStateException if called while no call is being served on this thread
     */
    protected final ExecutionContext ctx() {
        ExecutionContext context = HostBridge.current();
        if (context == null) {
            throw new IllegalStateException(
                    "ctx() is only available while the worker serves a call, on the thread that serves it");
        }
        return context;
    }

    /**
     * Called once after the worker version is loaded, before it serves any call. The default
     * does nothing. An exception here stops the load.
     */
    protected void start() {
    }

    /**
     * Called once when the worker version is unloaded, after its in-flight calls have finished.
     * The default does nothing.
     */
    protected void stop() {
    }
}
