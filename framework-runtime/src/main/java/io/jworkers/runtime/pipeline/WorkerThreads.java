package io.jworkers.runtime.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The threads one worker version's code started through the framework (async calls,
 * {@code waitUntil}), alive right now. Virtual threads do not show up in thread-group scans, so
 * the host keeps this list itself, to count them and to stop them when the version unloads.
 */
public final class WorkerThreads {

    private final String workerName;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();

    /**
     * Creates an empty tracker.
     *
     * @param workerName the worker, for thread names and logs
     */
    public WorkerThreads(String workerName) {
        this.workerName = workerName;
    }

    /**
     * Starts work on a new virtual thread and tracks it until it ends.
     *
     * @param purpose a word for the thread's name, e.g. {@code async}
     * @param requestId the request it serves
     * @param work the work
     * @return the started thread
     */
    public Thread start(String purpose, String requestId, Runnable work) {
        Thread thread = Thread.ofVirtual().name("jworkers-" + workerName + "-" + purpose + "-" + requestId).unstarted(() -> {
            try {
                work.run();
            } finally {
                live.remove(Thread.currentThread());
            }
        });
        live.add(thread);
        thread.start();
        return thread;
    }

    /**
     * How many tracked threads are alive.
     *
     * @return the count
     */
    public int alive() {
        live.removeIf(thread -> !thread.isAlive());
        return live.size();
    }

    /**
     * Interrupts every tracked thread that is alive, e.g. when the version unloads.
     *
     * @return how many were interrupted
     */
    public int interruptAll() {
        int interrupted = 0;
        for (Thread thread : live) {
            if (thread.isAlive()) {
                thread.interrupt();
                interrupted++;
            }
        }
        return interrupted;
    }
}
