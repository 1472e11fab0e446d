package io.jworkers.runtime.pipeline;

import java.util.function.Supplier;

/**
 * Marks a thread as running a worker's code outside any call: its class initialisers,
 * constructors, {@code start()} and {@code stop()}. Output and log records written meanwhile
 * carry the worker's prefix, as those of its requests do.
 */
public final class WorkerLifecycle {

    private static final ThreadLocal<String> RUNNING = new ThreadLocal<>();

    private WorkerLifecycle() {
    }

    /**
     * Runs a step of a worker's life with the thread marked as the worker's.
     *
     * @param workerName the worker
     * @param step the step
     * @param <T> what the step returns
     * @return what the step returned
     */
    public static <T> T run(String workerName, Supplier<T> step) {
        String previous = RUNNING.get();
        RUNNING.set(workerName);
        try {
            return step.get();
        } finally {
            if (previous == null) {
                RUNNING.remove();
            } else {
                RUNNING.set(previous);
            }
        }
    }

    /**
     * Runs a step of a worker's life as {@link #run(String, Supplier)} does.
     *
     * @param workerName the worker
     * @param step the step
     */
    public static void run(String workerName, Runnable step) {
        run(workerName, () -> {
            step.run();
            return null;
        });
    }

    /**
     * The worker whose life-cycle step runs on this thread.
     *
     * @return its name, or {@code null}
     */
    static String current() {
        return RUNNING.get();
    }
}
