package io.jworkers.runtime.binding;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.runtime.pipeline.BackgroundWork;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One service binding of one worker: calls go to whatever version of the target its
 * {@link WorkerSlot} holds at the moment of the call, in-process, on the caller's thread.
 */
public final class ServiceBinding implements Service {

    private final String binding;
    private final WorkerSlot target;
    private final CallerLimits ownerLimits;

    /**
     * Creates the binding.
     *
     * @param binding the binding name, e.g. {@code AUTH}
     * @param target the slot of the worker it calls
     * @param ownerLimits the limits of the worker that owns the binding, used when it calls
     *     outside any request (e.g. from {@code start()}), which opens a pipeline of its own
     */
    public ServiceBinding(String binding, WorkerSlot target, CallerLimits ownerLimits) {
        this.binding = binding;
        this.target = target;
        this.ownerLimits = ownerLimits;
    }

    /**
     * The binding name.
     *
     * @return the name, e.g. {@code AUTH}
     */
    public String name() {
        return binding;
    }

    /**
     * The name of the worker this binding calls.
     *
     * @return the target worker's name
     */
    public String targetName() {
        return target.name();
    }

    @Override
    public Response fetch(Request request) {
        CallFrame caller = callerFrame();
        LoadedWorker worker = target.current();
        if (worker == null) {
            caller.pipeline().beginSubrequest();
            return Response.text(503, notFoundMessage());
        }
        return WorkerCall.bindingFetch(caller, worker, request);
    }

    @Override
    public Response fetch(String url) {
        return fetch(Request.get(url));
    }

    @Override
    public CompletableFuture<Response> fetchAsync(Request request) {
        CallFrame caller = callerFrame();
        CompletableFuture<Response> result = new CompletableFuture<>();
        BackgroundWork.startInFrame(caller, () -> {
            try {
                result.complete(fetch(request));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public <T> T rpc(Class<T> contract) {
        throw new UnsupportedOperationException("Typed RPC over bindings is not available in this version of jworkers; "
                + "call " + binding + ".fetch(request) instead");
    }

    @Override
    public Object call(String method, Object... args) {
        throw new UnsupportedOperationException("RPC over bindings is not available in this version of jworkers; "
                + "call " + binding + ".fetch(request) instead");
    }

    @Override
    public boolean connected() {
        return target.current() != null;
    }

    /**
     * The text of a call to a target that is not loaded, as Wrangler words it.
     *
     * @return the message
     */
    public String notFoundMessage() {
        return "Worker \"" + target.name() + "\" not found. Make sure it is running locally.";
    }

    private CallFrame callerFrame() {
        CallFrame frame = CallFrame.current();
        if (frame != null) {
            return frame;
        }
        // Outside any request (start(), a thread the worker made itself): the call opens its own pipeline at depth 0,
        // so the target runs at depth 1 as a top-level worker would.
        Pipeline pipeline = new Pipeline(UUID.randomUUID().toString(), ownerLimits.subrequests(), ownerLimits.timeout());
        return new CallFrame(pipeline, ownerLimits.workerName(), Thread.currentThread().getContextClassLoader(), 0);
    }

    @Override
    public String toString() {
        return "env." + binding + " (" + target.name() + ")";
    }
}
