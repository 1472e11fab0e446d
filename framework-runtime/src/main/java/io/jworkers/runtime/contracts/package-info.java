/**
 * RPC contracts checked at deploy (design §10): what a worker version's code calls over each
 * binding ({@link io.jworkers.runtime.contracts.WorkerContracts}, read from the manifest's
 * {@code "uses"} or from the class files), and whether a target version meets it
 * ({@link io.jworkers.runtime.contracts.ContractChecker}, reporting
 * {@link io.jworkers.runtime.contracts.ContractViolation}s): the binding's entrypoint, each
 * method by name and arity, and for typed calls the shapes of arguments and results as the
 * {@link io.jworkers.runtime.values.ValueCopier} would convert them, refusing only what would
 * surely fail. Independent of how deploys are served; nothing of a worker runs.
 */
package io.jworkers.runtime.contracts;
