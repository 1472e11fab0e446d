package io.jworkers.runtime.pipeline;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Work a worker starts beside its response: async binding calls and {@code waitUntil}. Each runs
 * on a new virtual thread that carries the calling frame (same request id, depth, counters and
 * deadline; the worker's context class loader), is tracked by the worker version's
 * {@link WorkerThreads}, and is registered with the pipeline, which cancels it after the
 * response: at once if nobody awaited it, after the grace period if it is under {@code waitUntil}.
 */
public final class BackgroundWork {

    private static final System.Logger LOG = System.getLogger("jworkers.worker");

    private BackgroundWork() {
    }

    /**
     * Starts async work (an async binding call) in the caller's frame.
     *
     * @param frame the calling frame
     * @param work the work
     * @return the started thread
     */
    public static Thread async(CallFrame frame, Runnable work) {
        Thread thread = start(frame, "async", work);
        frame.pipeline().trackAsync(thread, frame.workerName());
        return thread;
    }

    static void waitUntil(CallFrame frame, Runnable work) {
        Thread thread = start(frame, "waitUntil", () -> {
            try {
                work.run();
            } catch (Throwable e) {
                frame.pipeline().waitUntilFailed(e);
                LOG.log(Level.WARNING, "[" + frame.workerName() + "] waitUntil work of request " + frame.requestId()
                        + " failed", e);
            }
        });
        frame.pipeline().trackWaitUntil(thread, null, frame.workerName());
    }

    static void waitUntil(CallFrame frame, CompletionStage<?> work) {
        CompletableFuture<?> future = work.toCompletableFuture();
        frame.pipeline().backgroundStarted();
        future.whenComplete((value, error) -> frame.pipeline().backgroundEnded());
        future.whenComplete((value, error) -> {
            if (error != null && !future.isCancelled()) {
                frame.pipeline().waitUntilFailed(error);
                LOG.log(Level.WARNING, "[" + frame.workerName() + "] waitUntil work of request " + frame.requestId()
                        + " failed", error);
            }
        });
        frame.pipeline().trackWaitUntil(null, future, frame.workerName());
    }

    private static Thread start(CallFrame frame, String purpose, Runnable work) {
        // From now on another thread counts subrequests in the pipeline: it must count atomically.
        frame.pipeline().share();
        Runnable inFrame = () -> {
            CallScope scope = CallScope.open(frame);
            try {
                work.run();
            } finally {
                scope.exit();
                frame.pipeline().backgroundEnded();
            }
        };
        frame.pipeline().backgroundStarted();
        try {
            return frame.threads() != null ? frame.threads().start(purpose, frame.requestId(), inFrame)
                    : Thread.ofVirtual().name("jworkers-" + purpose + "-" + frame.requestId()).start(inFrame);
        } catch (RuntimeException | Error e) {
            frame.pipeline().backgroundEnded();
            throw e;
        }
    }
}
