package io.jworkers.runtime.pipeline;

import io.jworkers.api.PipelineDepthExceededException;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.worker.LoadedWorker;

/**
 * Runs a worker's code on the current thread inside a pipeline: the worker's frame becomes the
 * thread's execution context and the worker's loader its context class loader, both restored
 * afterwards, whatever happens. Used by {@code fetch} and by RPC alike.
 */
public final class WorkerCall {

    private WorkerCall() {
    }

    /**
     * Serves the top-level request of a pipeline (depth 1). Exceptions are not translated: the
     * caller is the host, which sees every class.
     *
     * @param pipeline the new pipeline
     * @param worker the worker that received the request
     * @param request the request
     * @return the worker's response
     */
    public static Response topLevelFetch(Pipeline pipeline, LoadedWorker worker, Request request) {
        return fetch(new CallFrame(pipeline, worker.name(), worker.loader(), worker.threads(), 1), worker, worker.entrypoint(), request);
    }

    /**
     * Calls a worker's {@code fetch} from another worker: one level deeper than the caller, counted
     * as a subrequest, and with the target's exceptions translated so that none of its classes
     * reach the caller.
     *
     * @param caller the caller's frame
     * @param target the worker to call
     * @param entrypoint the entrypoint of the target the binding selects
     * @param props the calling binding's props
     * @param request the request
     * @return the target's response
     * @throws PipelineDepthExceededException if the target would run deeper than 32
     */
    public static Response bindingFetch(CallFrame caller, LoadedWorker target, WorkerEntrypoint entrypoint, String props,
            Request request) {
        CallFrame frame = enterFrame(caller, target, props);
        try {
            return fetch(frame, target, entrypoint, request);
        } catch (Throwable e) {
            throw BoundaryExceptions.translate(e);
        }
    }

    /**
     * Checks the limits of a binding call and builds the callee's frame.
     *
     * @param caller the caller's frame
     * @param target the worker to call
     * @param props the calling binding's props
     * @return the frame the target will run in
     * @throws PipelineDepthExceededException if the target would run deeper than 32
     */
    public static CallFrame enterFrame(CallFrame caller, LoadedWorker target, String props) {
        int depth = caller.depth() + 1;
        if (depth > Pipeline.MAX_DEPTH) {
            throw new PipelineDepthExceededException(Pipeline.MAX_DEPTH, "worker \"" + caller.workerName()
                    + "\" called worker \"" + target.name() + "\" at depth " + caller.depth()
                    + "; look for a cycle of service bindings (A -> B -> A) or make the chain shorter");
        }
        caller.pipeline().beginSubrequest();
        return new CallFrame(caller.pipeline(), target.name(), target.loader(), target.threads(), depth, props);
    }

    /**
     * Makes {@code frame} current on this thread, with its worker's loader as context loader.
     *
     * @param frame the frame of the call about to run
     * @return what to restore with {@link #close}
     */
    public static CallScope open(CallFrame frame) {
        frame.pipeline().visit(frame.workerName());
        Thread thread = Thread.currentThread();
        CallScope scope = new CallScope(HostBridge.enter(frame), thread.getContextClassLoader());
        thread.setContextClassLoader(frame.loader());
        return scope;
    }

    /**
     * Restores what {@link #open} replaced.
     *
     * @param scope the scope {@code open} returned
     */
    public static void close(CallScope scope) {
        Thread.currentThread().setContextClassLoader(scope.previousLoader());
        HostBridge.restore(scope.previousContext());
    }

    private static Response fetch(CallFrame frame, LoadedWorker worker, WorkerEntrypoint entrypoint, Request request) {
        long start = System.nanoTime();
        CallScope scope = open(frame);
        try {
            Response response = entrypoint.fetch(request, worker.env());
            if (response == null) {
                throw new IllegalStateException("Worker \"" + worker.name() + "\" returned null from fetch; return a Response");
            }
            return response;
        } finally {
            close(scope);
            frame.pipeline().addTime(worker.name(), System.nanoTime() - start);
        }
    }
}
