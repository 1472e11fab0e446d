package io.jworkers.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The RPC uses found in a worker's sources so far, across rounds, per binding name: the contract
 * interfaces asked for and the methods called by name. Sorted maps and sets, so that the
 * manifest does not depend on the order the compiler lists sources or rounds in.
 */
final class RpcUses {

    private final Map<String, Map<String, List<WorkerManifest.Method>>> contracts = new TreeMap<>();
    private final Map<String, Set<WorkerManifest.Call>> calls = new TreeMap<>();

    void contract(String binding, String className, List<WorkerManifest.Method> methods) {
        contracts.computeIfAbsent(binding, b -> new TreeMap<>()).putIfAbsent(className, methods);
        calls.computeIfAbsent(binding, b -> callSet());
    }

    void call(String binding, String method, int arity) {
        contracts.computeIfAbsent(binding, b -> new TreeMap<>());
        calls.computeIfAbsent(binding, b -> callSet()).add(new WorkerManifest.Call(method, arity));
    }

    List<WorkerManifest.Use> asManifest() {
        List<WorkerManifest.Use> uses = new ArrayList<>();
        contracts.forEach((binding, byClass) -> uses.add(new WorkerManifest.Use(binding,
                byClass.entrySet().stream().map(e -> new WorkerManifest.Contract(e.getKey(), e.getValue())).toList(),
                List.copyOf(calls.get(binding)))));
        return uses;
    }

    private static Set<WorkerManifest.Call> callSet() {
        return new TreeSet<>(java.util.Comparator.comparing(WorkerManifest.Call::name)
                .thenComparingInt(WorkerManifest.Call::arity));
    }
}
