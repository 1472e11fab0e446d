package io.jworkers.runtime.pipeline;

import io.jworkers.api.PipelineDepthExceededException;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.worker.LoadedWorker;

/**
 * Runs a worker's code on the current thread inside a pipeline: the worker's frame becomes the
 * thread's execution context and the worker's loader its context class loader, both restored
 * afterwards, whatever happens.
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
        return fetch(new CallFrame(pipeline, worker.name(), worker.loader(), 1), worker, request);
    }

    /**
     * Calls a worker's {@code fetch} from another worker: one level deeper than the caller, counted
     * as a subrequest, and with the target's exceptions translated so that none of its classes
     * reach the caller.
     *
     * @param caller the caller's frame
     * @param target the worker to call
     * @param request the request
     * @return the target's response
     * @throws PipelineDepthExceededException if the target would run deeper than 32
     */
    public static Response bindingFetch(CallFrame caller, LoadedWorker target, Request request) {
        CallFrame frame = enterFrame(caller, target);
        try {
            return fetch(frame, target, request);
        } catch (Throwable e) {
            throw BoundaryExceptions.translate(e);
        }
    }

    /**
     * Checks the limits of a binding call and builds the callee's frame.
     *
     * @param caller the caller's frame
     * @param target the worker to call
     * @return the frame the target will run in
     */
    public static CallFrame enterFrame(CallFrame caller, LoadedWorker target) {
        int depth = caller.depth() + 1;
        if (depth > Pipeline.MAX_DEPTH) {
            throw new PipelineDepthExceededException(Pipeline.MAX_DEPTH);
        }
        caller.pipeline().beginSubrequest();
        return new CallFrame(caller.pipeline(), target.name(), target.loader(), depth);
    }

    private static Response fetch(CallFrame frame, LoadedWorker worker, Request request) {
        frame.pipeline().visit(worker.name());
        Thread thread = Thread.currentThread();
        ClassLoader previousLoader = thread.getContextClassLoader();
        var previousContext = HostBridge.enter(frame);
        thread.setContextClassLoader(worker.loader());
        try {
            Response response = worker.entrypoint().fetch(request, worker.env());
            if (response == null) {
                throw new IllegalStateException("Worker \"" + worker.name() + "\" returned null from fetch; return a Response");
            }
            return response;
        } finally {
            thread.setContextClassLoader(previousLoader);
            HostBridge.restore(previousContext);
        }
    }
}
