package io.jworkers.runtime.serve;

import java.util.List;

/**
 * What {@code jworkers check} found: whether a bundle, deployed now, would break an RPC contract,
 * either way (as a caller of what its bindings reach, or as the target of what calls it).
 *
 * @param worker the worker
 * @param environment the environment
 * @param version the number the version would get
 * @param violations one message per broken contract (caller, environment, binding, method and
 *     what is wrong); empty when every contract holds
 */
public record ContractReport(String worker, String environment, int version, List<String> violations) {

    /** Copies the list. */
    public ContractReport {
        violations = List.copyOf(violations);
    }
}
