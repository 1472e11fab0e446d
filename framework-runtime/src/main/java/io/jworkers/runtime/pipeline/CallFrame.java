package io.jworkers.runtime.pipeline;

import io.jworkers.api.ExecutionContext;
import io.jworkers.bridge.HostBridge;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * One worker call inside a pipeline: which pipeline, which worker, how deep. It is what a
 * worker's {@code ctx()} returns while the call runs.
 *
 * @param pipeline the pipeline the call belongs to
 * @param workerName the worker being called
 * @param loader the worker's class loader, the context class loader while its code runs
 * @param depth 1 for the worker that received the top-level request, +1 per binding hop
 */
public record CallFrame(Pipeline pipeline, String workerName, ClassLoader loader, int depth)
        implements ExecutionContext {

    /**
     * The frame of the call running on this thread.
     *
     * @return the frame, or {@code null} outside any call
     */
    public static CallFrame current() {
        return HostBridge.current() instanceof CallFrame frame ? frame : null;
    }

    @Override
    public void waitUntil(CompletionStage<?> work) {
        BackgroundWork.track(pipeline, workerName, work);
    }

    @Override
    public void waitUntil(Runnable work) {
        BackgroundWork.start(this, work);
    }

    @Override
    public String requestId() {
        return pipeline.requestId();
    }

    @Override
    public int subrequests() {
        return pipeline.subrequests();
    }

    @Override
    public Instant deadline() {
        return pipeline.deadline();
    }
}
