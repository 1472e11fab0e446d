package io.jworkers.runtime.rpc;

import io.jworkers.runtime.metrics.BindingCalls;
import io.jworkers.runtime.pipeline.BindingOwner;
import io.jworkers.runtime.pipeline.Callee;
import io.jworkers.runtime.tail.TailTarget;
import io.jworkers.runtime.trace.HopTags;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;

/**
 * What a binding's RPC calls reach: a worker slot (whatever version it holds at call time), one
 * of its entrypoints, with the binding's props, on behalf of a caller with its limits.
 *
 * @param binding the binding name, for messages
 * @param slot the target worker's slot
 * @param entrypoint the entrypoint name, or {@code null} for the default one
 * @param props the binding's props JSON
 * @param owner the calling worker's limits, for calls made outside any request
 * @param calls the binding's call counters (metrics), incremented by every call
 */
public record RpcTarget(String binding, WorkerSlot slot, String entrypoint, String props, BindingOwner owner,
        BindingCalls calls) {

    /**
     * A target whose calls are counted by counters of their own, which no registry exports (a
     * binding made outside a host's metrics, such as a test's).
     *
     * @param binding the binding name
     * @param slot the target worker's slot
     * @param entrypoint the entrypoint name, or {@code null} for the default one
     * @param props the binding's props JSON
     * @param owner the calling worker's limits
     */
    public RpcTarget(String binding, WorkerSlot slot, String entrypoint, String props, BindingOwner owner) {
        this(binding, slot, entrypoint, props, owner, BindingCalls.unexported(owner.workerName(), binding, slot.name()));
    }

    /**
     * How to name the target in messages: {@code worker "calc"} or {@code worker "calc" (entrypoint Admin)}.
     *
     * @return the description
     */
    public String describe() {
        return "worker \"" + slot.name() + "\"" + (entrypoint == null ? "" : " (entrypoint " + entrypoint + ")");
    }

    /**
     * What a call through this binding enters in one target version, with its span's tags and
     * how its tail events name it.
     *
     * @param worker the target version
     * @param counter the binding's counter of this kind of call (its {@code calls().fetch()} or {@code rpc()})
     * @return the callee, for fetch (see {@link Callee#withMethod} for RPC)
     */
    public Callee callee(LoadedWorker worker, java.util.concurrent.atomic.LongAdder counter) {
        return new Callee(worker.name(), worker.loader(), worker.threads(), props, worker.label(), counter,
                new HopTags(worker.name(), worker.number(), worker.env().version().environment(), binding, null),
                TailTarget.of(worker, entrypoint));
    }

    /**
     * The text of a call to a target that is not loaded, exactly as Wrangler words it, because
     * tools and tests written for Wrangler match it (a {@code fetch} gets it as a 503 body, typed
     * RPC as a {@code ServiceUnavailableException}; see docs/errors.md,
     * JW-BINDING-NOT-RUNNING); which binding it was is in the dev binding report's
     * {@code [not connected]} line.
     *
     * @return the message
     */
    public String notFoundMessage() {
        return "Worker \"" + slot.name() + "\" not found. Make sure it is running locally.";
    }
}
