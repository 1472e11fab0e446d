package io.jworkers.runtime.rpc;

import io.jworkers.runtime.worker.EntrypointInstance;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Matches a contract against a target entrypoint by method name and arity, the way values then
 * convert by shape: every contract method must exist on the target with as many parameters.
 */
final class ContractCheck {

    private ContractCheck() {
    }

    static Optional<String> mismatch(Class<?> contract, List<ContractMethod> methods, EntrypointInstance entry,
            RpcTarget target) {
        List<String> missing = new ArrayList<>();
        List<String> arity = new ArrayList<>();
        for (ContractMethod method : methods) {
            Method found = entry.methods().get(method.name());
            if (found == null) {
                missing.add(method.name() + "(" + method.arity() + ")");
            } else if (found.getParameterCount() != method.arity()) {
                arity.add(method.name() + " takes " + found.getParameterCount() + " there, " + method.arity() + " here");
            }
        }
        if (missing.isEmpty() && arity.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder message = new StringBuilder("Contract ").append(contract.getName()).append(" does not match ")
                .append(target.describe()).append(" of binding ").append(target.binding()).append(':');
        if (!missing.isEmpty()) {
            message.append(" missing ").append(String.join(", ", missing)).append(';');
        }
        if (!arity.isEmpty()) {
            message.append(" arity differs: ").append(String.join(", ", arity)).append(';');
        }
        List<String> implemented = entry.methods().describe();
        message.append(" it implements ").append(implemented.isEmpty() ? "no RPC methods" : String.join(", ", implemented))
                .append('.');
        return Optional.of(message.toString());
    }
}
