package io.jworkers.runtime.binding;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.runtime.pipeline.BackgroundWork;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Callee;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.rpc.BindingRpc;
import io.jworkers.runtime.rpc.RpcTarget;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.VersionLinks;
import io.jworkers.runtime.worker.VersionRouting;
import java.util.concurrent.CompletableFuture;

/**
 * One service binding of one worker: calls go to whatever version of the target its slot holds
 * at the moment of the call, in-process, on the caller's thread.
 */
public final class ServiceBinding implements Service {

    private final RpcTarget target;
    private final BindingRpc rpc;
    // What fetch calls enter, per version of the target called (see VersionLinks).
    private final VersionLinks<Callee> callees;
    // A field, not a lambda per call: a capturing lambda would allocate on every call.
    private final java.util.function.Function<LoadedWorker, Callee> newCallee;

    /**
     * Creates the binding.
     *
     * @param target the worker (slot), entrypoint and props the binding calls, and the limits of
     *     the worker that owns it, used when it calls outside any request (e.g. from
     *     {@code start()}), which opens a pipeline of its own
     */
    public ServiceBinding(RpcTarget target) {
        this.target = target;
        this.rpc = new BindingRpc(target);
        this.callees = new VersionLinks<>(target.slot());
        this.newCallee = version -> target.callee(version, target.calls().fetch());
    }

    /**
     * The binding name.
     *
     * @return the name, e.g. {@code AUTH}
     */
    public String name() {
        return target.binding();
    }

    /**
     * The name of the worker this binding calls.
     *
     * @return the target worker's name
     */
    public String targetName() {
        return target.slot().name();
    }

    @Override
    public Response fetch(Request request) {
        VersionRouting routing = target.slot().routing();
        LoadedWorker worker = routing.isSplit() ? routing.choose(WorkerCall.runningPipeline()) : routing.newer();
        if (worker == null) {
            target.calls().fetch().increment(); // counted here: the call enters no worker
            WorkerCall.currentPipeline(target.owner()).beginSubrequest(true);
            return Response.text(503, target.notFoundMessage());
        }
        var entry = worker.entrypoint(target.entrypoint());
        if (entry == null) {
            target.calls().fetch().increment();
            WorkerCall.currentPipeline(target.owner()).beginSubrequest(true);
            return Response.text(503, "Worker \"" + worker.name() + "\" has no entrypoint \"" + target.entrypoint() + "\"");
        }
        return WorkerCall.bindingFetch(callees.get(worker, newCallee), target.owner(), worker, entry.instance(),
                request);
    }

    @Override
    public Response fetch(String url) {
        return fetch(Request.get(url));
    }

    @Override
    public CompletableFuture<Response> fetchAsync(Request request) {
        CallFrame caller = CallFrame.currentOrDetached(target.owner());
        CompletableFuture<Response> result = new CompletableFuture<>();
        BackgroundWork.async(caller, () -> {
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
        return rpc.stub(contract);
    }

    @Override
    public Object call(String method, Object... args) {
        return rpc.call(method, args);
    }

    @Override
    public boolean connected() {
        return target.slot().routing().newer() != null;
    }

    @Override
    public String toString() {
        return "env." + target.binding() + " (" + target.slot().name() + ")";
    }
}
