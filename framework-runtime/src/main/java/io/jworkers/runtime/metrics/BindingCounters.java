package io.jworkers.runtime.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The {@link BindingCalls} of one host, one per caller, environment, binding and callee: the
 * host hands them to the bindings it builds, {@link HostMetrics} exports them. Their number is
 * bounded by the configs (never by traffic), so none is ever removed.
 */
public final class BindingCounters {

    private record Key(String caller, String environment, String binding, String callee) {
    }

    private final Map<Key, BindingCalls> calls = new LinkedHashMap<>();
    private Consumer<BindingCalls> onNew = calls -> { };

    /**
     * The counters of a binding, made on first use.
     *
     * @param caller the worker that owns the binding
     * @param environment the caller's environment
     * @param binding the binding's name
     * @param callee the worker the binding calls
     * @return the counters, the same instance for the same four names
     */
    public synchronized BindingCalls of(String caller, String environment, String binding, String callee) {
        Key key = new Key(caller, environment, binding, callee);
        BindingCalls known = calls.get(key);
        if (known == null) {
            known = new BindingCalls(caller, environment, binding, callee, new LongAdder(), new LongAdder());
            calls.put(key, known);
            onNew.accept(known);
        }
        return known;
    }

    /**
     * Calls {@code action} with every binding's counters made so far and, from now on, with
     * each one made later (when a worker with a new binding loads).
     *
     * @param action what to do with each, e.g. register it with a meter registry
     */
    synchronized void forEachNowAndLater(Consumer<BindingCalls> action) {
        List<BindingCalls> existing = new ArrayList<>(calls.values());
        onNew = action;
        existing.forEach(action);
    }

    /** Stops telling anyone about new counters. */
    synchronized void stopTelling() {
        onNew = calls -> { };
    }
}
