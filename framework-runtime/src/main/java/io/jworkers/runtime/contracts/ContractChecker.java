package io.jworkers.runtime.contracts;

import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.worker.EntrypointInstance;
import io.jworkers.runtime.worker.LoadedWorker;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a caller version's RPC uses of one binding against a target version, as the host would
 * meet them at run time: the binding's entrypoint must exist; each method the caller calls must
 * exist there (by name) with as many parameters; and for a contract method, each argument must
 * convert into the target's parameter type and the target's result into the type the caller
 * declares, by shape ({@link ShapeConversion}, lenient: only what surely fails is reported).
 * Dynamic calls are checked by name and arity only.
 *
 * <p>Used at deploy, in both directions: a caller deployed against the targets its bindings reach,
 * and a target deployed against the callers currently deployed. Nothing of either worker runs.
 */
public final class ContractChecker {

    private ContractChecker() {
    }

    /**
     * Checks one binding of a caller version against a target version.
     *
     * @param callerWorker the calling worker's name
     * @param callerVersion the calling version's number
     * @param environment the caller's environment, for messages
     * @param binding the caller's binding config (its {@code entrypoint} selects the target's entrypoint)
     * @param uses what the caller version's code calls ({@link WorkerContracts#of})
     * @param target the target version, loaded
     * @param targetVersion the target version's number
     * @return the violations, in the order of the caller's uses; empty when the target meets them
     */
    public static List<ContractViolation> check(String callerWorker, int callerVersion, String environment,
            ServiceBindingConfig binding, WorkerContracts uses, LoadedWorker target, int targetVersion) {
        String targetName = target.name() + "@" + targetVersion;
        List<ContractViolation> violations = new ArrayList<>();
        EntrypointInstance entry = target.entrypoint(binding.entrypoint());
        if (entry == null) {
            violations.add(new ContractViolation(callerWorker, callerVersion, environment, binding.binding(), target.name(),
                    targetVersion, null, -1, targetName + " has no entrypoint \"" + binding.entrypoint() + "\"; it has: "
                    + String.join(", ", target.entrypointNames())));
            return violations;
        }
        ValueShapes shapes = new ValueShapes();
        Set<List<Object>> reported = new LinkedHashSet<>();
        for (MethodUse use : uses.uses(binding.binding())) {
            problem(use, entry, targetName, shapes).ifPresent(problem -> {
                if (reported.add(List.of(use.name(), use.arity(), problem))) {
                    violations.add(new ContractViolation(callerWorker, callerVersion, environment, binding.binding(),
                            target.name(), targetVersion, use.name(), use.arity(), problem));
                }
            });
        }
        return violations;
    }

    private static Optional<String> problem(MethodUse use, EntrypointInstance entry, String targetName, ValueShapes shapes) {
        Method method = entry.methods().get(use.name());
        if (method == null) {
            List<String> implemented = entry.methods().describe();
            return Optional.of(targetName + " has no method \"" + use.name() + "\"; it has: "
                    + (implemented.isEmpty() ? "no RPC methods" : String.join(", ", implemented)));
        }
        if (method.getParameterCount() != use.arity()) {
            return Optional.of(targetName + "'s " + use.name() + " takes " + method.getParameterCount()
                    + " arguments, the call passes " + use.arity());
        }
        if (use.dynamic()) {
            return Optional.empty();
        }
        Type[] parameters = method.getGenericParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            Optional<String> problem = ShapeConversion.problem(shapes.written(use.parameters().get(i)),
                    shapes.read(parameters[i]), "arg" + i);
            if (problem.isPresent()) {
                return Optional.of(targetName + "'s " + use.name() + " cannot take " + problem.get());
            }
        }
        return ShapeConversion.problem(shapes.written(method.getGenericReturnType()), shapes.read(use.returns()), "return")
                .map(problem -> targetName + "'s " + use.name() + " returns what the caller cannot take at " + problem);
    }
}
