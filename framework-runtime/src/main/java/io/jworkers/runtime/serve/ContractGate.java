package io.jworkers.runtime.serve;

import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.contracts.ContractChecker;
import io.jworkers.runtime.contracts.ContractViolation;
import io.jworkers.runtime.contracts.WorkerContracts;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.worker.LoadedWorker;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The RPC contract check of a deploy (DESIGN §10), both ways: a version about to take traffic
 * must find every method it calls, with its arity and value shapes, in every version its
 * bindings reach now (both of a split); and every version of every worker that calls it now
 * (both of a split) must find what it calls in the new version. Checked against the versions
 * this host runs, which on a cluster are every host's.
 */
final class ContractGate {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    /** What a change does about contracts. */
    enum Mode {
        /** Refuse the change when a contract breaks. */
        CHECK,
        /** Go on when a contract breaks ({@code --force}), logging what breaks. */
        FORCE,
        /** Do not look: the change keeps the code (a secret change). */
        SKIP
    }

    private final StateStore store;
    private final WorkerHost host;

    ContractGate(StateStore store, WorkerHost host) {
        this.store = store;
        this.host = host;
    }

    /**
     * What breaks if these versions of a worker environment take traffic.
     *
     * @param worker the worker
     * @param environment its environment
     * @param entering the versions about to take traffic (loaded, not yet reachable)
     * @return the violations; empty when every contract holds
     */
    List<ContractViolation> violations(String worker, String environment, List<LoadedWorker> entering) {
        List<ContractViolation> found = new ArrayList<>();
        for (LoadedWorker version : entering) {
            found.addAll(asCaller(environment, version, entering));
            found.addAll(asTarget(worker, environment, version));
        }
        return found;
    }

    /**
     * Refuses the change when contracts break, unless forced; forced, it logs what breaks.
     *
     * @param what the change, for the refusal ("Deploy of \"gateway\"")
     * @param mode whether to refuse, go on anyway, or not look
     * @throws DeployRejectedException (409) naming caller, environment, binding and method
     */
    void check(String worker, String environment, List<LoadedWorker> entering, String what, Mode mode) {
        if (mode == Mode.SKIP || entering.isEmpty()) {
            return;
        }
        boolean force = mode == Mode.FORCE;
        List<ContractViolation> violations = violations(worker, environment, entering);
        if (violations.isEmpty()) {
            return;
        }
        if (force) {
            for (ContractViolation violation : violations) {
                LOG.log(Level.WARNING, "[" + worker + "] deployed with --force although: " + violation.message());
            }
            return;
        }
        throw new DeployRejectedException(409, refusal(what, violations));
    }

    /** The text of a refusal: every violation on a line of its own, and what to do. */
    static String refusal(String what, List<ContractViolation> violations) {
        StringBuilder text = new StringBuilder(what).append(" refused: it breaks ")
                .append(violations.size() == 1 ? "an RPC contract" : violations.size() + " RPC contracts").append(":");
        for (ContractViolation violation : violations) {
            text.append("\n  ").append(violation.message());
        }
        return text.append("\nDeploy the callee's new methods first and move callers off the old ones before removing them;"
                + " or pass --force to deploy anyway (the version's message records it).").toString();
    }

    /** The message of a forced change: what it would have been, and that it was forced. */
    static String forcedMessage(String message, String fallback) {
        return (message != null ? message : fallback) + " [--force: RPC contract check overridden]";
    }

    // The version calls what its bindings reach now.
    private List<ContractViolation> asCaller(String environment, LoadedWorker caller, List<LoadedWorker> entering) {
        List<ContractViolation> found = new ArrayList<>();
        WorkerContracts uses = WorkerContracts.of(caller);
        for (ServiceBindingConfig binding : caller.config().services()) {
            if (uses.uses(binding.binding()).isEmpty() && binding.entrypoint() == null) {
                continue;
            }
            String targetEnvironment = DeployedWorkers.targetEnvironment(binding);
            List<LoadedWorker> targets = binding.service().equals(caller.name()) && targetEnvironment.equals(environment)
                    ? entering : host.routing(binding.service(), targetEnvironment).versions();
            for (LoadedWorker target : targets) {
                found.addAll(ContractChecker.check(caller.name(), caller.number(), environment, binding, uses, target, target.number()));
            }
        }
        return found;
    }

    // What calls the worker environment now still finds what it calls in the version.
    private List<ContractViolation> asTarget(String worker, String environment, LoadedWorker target) {
        List<ContractViolation> found = new ArrayList<>();
        for (String other : store.workers()) {
            for (String otherEnvironment : store.environments(other)) {
                if (other.equals(worker) && otherEnvironment.equals(environment)) {
                    continue; // its own versions are checked as callers
                }
                for (LoadedWorker caller : host.routing(other, otherEnvironment).versions()) {
                    for (ServiceBindingConfig binding : caller.config().services()) {
                        if (binding.service().equals(worker) && DeployedWorkers.targetEnvironment(binding).equals(environment)) {
                            found.addAll(ContractChecker.check(caller.name(), caller.number(), otherEnvironment, binding,
                                    WorkerContracts.of(caller), target, target.number()));
                        }
                    }
                }
            }
        }
        return found;
    }
}
