package io.jworkers.runtime.contracts;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The RPC uses of a worker's code by name, as its manifest or its class files record them, before
 * any class is loaded: per binding, the contract interfaces asked for and the methods called by
 * name with their argument count. Sorted, so that two readings compare equal.
 */
final class RecordedUses {

    /**
     * A {@code Service.call(name, args...)}.
     *
     * @param name the method name
     * @param arity how many arguments it passes
     */
    record DynamicCall(String name, int arity) {
    }

    private final SortedMap<String, SortedSet<String>> contracts = new TreeMap<>();
    private final SortedMap<String, SortedSet<DynamicCall>> calls = new TreeMap<>();

    void contract(String binding, String className) {
        contracts.computeIfAbsent(binding, b -> new TreeSet<>()).add(className);
    }

    void call(String binding, String name, int arity) {
        calls.computeIfAbsent(binding, b -> new TreeSet<>(Comparator.comparing(DynamicCall::name)
                .thenComparingInt(DynamicCall::arity))).add(new DynamicCall(name, arity));
    }

    /** Contract class names (binary names) by binding. */
    Map<String, SortedSet<String>> contracts() {
        return contracts;
    }

    /** Dynamic calls by binding. */
    Map<String, SortedSet<DynamicCall>> calls() {
        return calls;
    }

    /** Every binding with a use, sorted. */
    Set<String> bindings() {
        Set<String> bindings = new TreeSet<>(contracts.keySet());
        bindings.addAll(calls.keySet());
        return bindings;
    }

    @Override
    public String toString() {
        return "contracts " + contracts + ", calls " + calls;
    }
}
