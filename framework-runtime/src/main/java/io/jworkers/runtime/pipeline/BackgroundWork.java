package io.jworkers.runtime.pipeline;

import io.jworkers.bridge.HostBridge;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionStage;

/**
 * Work a worker hands to its pipeline to run or finish beside (or after) the response:
 * {@code waitUntil} and async binding calls. Each runs on a new virtual thread that carries the
 * calling frame, so it shares the pipeline's request id, depth, counters and deadline.
 */
public final class BackgroundWork {

    private static final System.Logger LOG = System.getLogger("jworkers.worker");

    private BackgroundWork() {
    }

    /**
     * Runs {@code work} on a new virtual thread inside {@code frame}: the frame is the thread's
     * execution context and the frame's worker loader its context class loader.
     *
     * @param frame the calling frame
     * @param work the work
     * @return the started thread
     */
    public static Thread startInFrame(CallFrame frame, Runnable work) {
        return Thread.ofVirtual().name("jworkers-" + frame.workerName() + "-" + frame.requestId()).start(() -> {
            Thread.currentThread().setContextClassLoader(frame.loader());
            HostBridge.enter(frame);
            try {
                work.run();
            } finally {
                HostBridge.restore(null);
            }
        });
    }

    static void start(CallFrame frame, Runnable work) {
        startInFrame(frame, () -> {
            try {
                work.run();
            } catch (Throwable e) {
                LOG.log(Level.WARNING, "[" + frame.workerName() + "] waitUntil work of request "
                        + frame.requestId() + " failed", e);
            }
        });
    }

    static void track(Pipeline pipeline, String workerName, CompletionStage<?> work) {
        work.whenComplete((value, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "[" + workerName + "] waitUntil work of request "
                        + pipeline.requestId() + " failed", error);
            }
        });
    }
}
