package io.jworkers.runtime.contracts;

import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.rpc.ContractMethods;
import io.jworkers.runtime.worker.LoadedWorker;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * What one worker version's code calls over its bindings ({@link MethodUse}s per binding name),
 * for the deploy-time contract check ({@link ContractChecker}). Read from the worker manifest's
 * {@code "uses"} when the annotation processor wrote one, else from the worker's class files
 * ({@link BytecodeUses}); the contract interfaces are then loaded (not initialised) in the
 * worker's own loader, so their types are the ones its stubs will convert values into.
 */
public final class WorkerContracts {

    /** Where the uses were read. */
    public enum Source {
        /** The manifest the annotation processor wrote. */
        MANIFEST,
        /** The worker's class files, for a worker built without the processor. */
        CLASS_FILES
    }

    // Reading class files is the costly part, so it happens once per loaded version; only names
    // are kept, never classes, so that the cache cannot keep an unloaded version's loader alive.
    private static final Map<LoadedWorker, Reading> READINGS = Collections.synchronizedMap(new WeakHashMap<>());

    private record Reading(Source source, RecordedUses uses) {
    }

    private final Source source;
    private final Map<String, List<MethodUse>> uses;
    private final List<String> unresolved;

    private WorkerContracts(Source source, Map<String, List<MethodUse>> uses, List<String> unresolved) {
        this.source = source;
        this.uses = Collections.unmodifiableMap(uses);
        this.unresolved = List.copyOf(unresolved);
    }

    /**
     * The uses of a loaded worker version, its manifest or class files read once per version.
     *
     * @param worker the version
     * @return its uses
     * @throws java.io.UncheckedIOException if its manifest or classes cannot be read
     */
    public static WorkerContracts of(LoadedWorker worker) {
        Reading reading = READINGS.computeIfAbsent(worker, w -> reading(w.loader()));
        return resolve(reading, worker.loader());
    }

    /**
     * The uses of the classes a worker loader reads, read now.
     *
     * @param loader the worker's loader
     * @return its uses
     * @throws java.io.UncheckedIOException if its manifest or classes cannot be read
     */
    public static WorkerContracts read(WorkerClassLoader loader) {
        return resolve(reading(loader), loader);
    }

    private static Reading reading(WorkerClassLoader loader) {
        return ManifestUses.read(loader).map(uses -> new Reading(Source.MANIFEST, uses))
                .orElseGet(() -> new Reading(Source.CLASS_FILES, BytecodeUses.read(loader.classpath())));
    }

    private static WorkerContracts resolve(Reading reading, ClassLoader loader) {
        Map<String, List<MethodUse>> byBinding = new TreeMap<>();
        List<String> unresolved = new ArrayList<>();
        RecordedUses recorded = reading.uses();
        for (String binding : recorded.bindings()) {
            List<MethodUse> methods = new ArrayList<>();
            for (String className : recorded.contracts().getOrDefault(binding, Collections.emptySortedSet())) {
                Class<?> contract;
                try {
                    contract = Class.forName(className, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // The caller's own code would fail on it first; nothing to check against.
                    unresolved.add(className);
                    continue;
                }
                if (contract.isInterface()) {
                    for (Method method : ContractMethods.forwarded(contract)) {
                        methods.add(MethodUse.of(contract, method));
                    }
                }
            }
            recorded.calls().getOrDefault(binding, Collections.emptySortedSet())
                    .forEach(call -> methods.add(MethodUse.dynamic(call.name(), call.arity())));
            byBinding.put(binding, List.copyOf(methods));
        }
        return new WorkerContracts(reading.source(), byBinding, unresolved);
    }

    /**
     * Where the uses were read.
     *
     * @return the manifest, or the class files
     */
    public Source source() {
        return source;
    }

    /**
     * The bindings the code calls RPC methods on.
     *
     * @return binding names, sorted
     */
    public Set<String> bindings() {
        return uses.keySet();
    }

    /**
     * The RPC methods the code calls over one binding: each contract's methods (contracts by
     * class name, methods by name and arity), then the dynamic calls (by name and arity).
     *
     * @param binding the binding name
     * @return the uses, empty when the code calls none
     */
    public List<MethodUse> uses(String binding) {
        return uses.getOrDefault(binding, List.of());
    }

    /**
     * Contract classes the code names that its loader cannot load (so not checked).
     *
     * @return binary class names
     */
    public List<String> unresolved() {
        return unresolved;
    }

    @Override
    public String toString() {
        return source + " " + uses;
    }
}
