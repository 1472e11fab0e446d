package io.jworkers.runtime.pipeline;

import io.jworkers.api.DeadlineExceededException;
import io.jworkers.api.SubrequestLimitExceededException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One top-level request and every binding call made on its behalf: the request id, the
 * subrequest budget and the deadline they share, and the workers they passed through.
 * Shared by all threads of the pipeline, so it is thread-safe.
 */
public final class Pipeline {

    /** Cloudflare's limit: a request may pass through at most 32 workers in a row. */
    public static final int MAX_DEPTH = 32;

    private final String requestId;
    private final int subrequestLimit;
    private final long deadlineNanos;
    private final Instant deadline;
    private final Duration timeout;
    private final AtomicInteger subrequests = new AtomicInteger();
    private final List<String> workers = new ArrayList<>(4);
    // The last worker recorded: repeated calls to one worker (an RPC loop) skip the lock.
    private volatile String lastVisited;

    /**
     * Opens a pipeline now.
     *
     * @param requestId the top-level request's id
     * @param subrequestLimit how many binding calls the pipeline may make
     * @param timeout the wall-clock budget of the whole pipeline
     */
    public Pipeline(String requestId, int subrequestLimit, Duration timeout) {
        this.requestId = requestId;
        this.subrequestLimit = subrequestLimit;
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.deadline = Instant.now().plus(timeout);
    }

    /**
     * The top-level request's id.
     *
     * @return the id
     */
    public String requestId() {
        return requestId;
    }

    /**
     * When the pipeline's budget ends.
     *
     * @return the deadline
     */
    public Instant deadline() {
        return deadline;
    }

    /**
     * How many binding calls the pipeline has made.
     *
     * @return the count
     */
    public int subrequests() {
        return subrequests.get();
    }

    /**
     * Checks the deadline and counts one binding call against the budget.
     *
     * @throws DeadlineExceededException if the deadline has passed
     * @throws SubrequestLimitExceededException if this call is one too many
     */
    public void beginSubrequest() {
        checkDeadline();
        if (subrequests.incrementAndGet() > subrequestLimit) {
            throw new SubrequestLimitExceededException(subrequestLimit);
        }
    }

    /**
     * Throws once the deadline has passed.
     *
     * @throws DeadlineExceededException if it has
     */
    public void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new DeadlineExceededException("Request " + requestId + " ran past its deadline of "
                    + timeout.toMillis() + " ms (limits.timeout_ms); no further binding calls are allowed");
        }
    }

    /**
     * Records that the pipeline passed through a worker.
     *
     * @param workerName the worker
     */
    public void visit(String workerName) {
        if (workerName.equals(lastVisited)) {
            return;
        }
        lastVisited = workerName;
        synchronized (workers) {
            if (!workers.contains(workerName)) {
                workers.add(workerName);
            }
        }
    }

    /**
     * The workers the pipeline passed through, in the order it first reached them.
     *
     * @return a snapshot
     */
    public List<String> visitedWorkers() {
        synchronized (workers) {
            return List.copyOf(workers);
        }
    }
}
