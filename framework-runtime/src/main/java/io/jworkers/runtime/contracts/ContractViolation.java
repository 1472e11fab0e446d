package io.jworkers.runtime.contracts;

/**
 * One way a caller version's RPC uses of a binding are not met by a target version: a missing
 * entrypoint, a missing method, another arity, or values that cannot convert.
 *
 * @param callerWorker the calling worker's name
 * @param callerVersion the calling version's number
 * @param environment the environment the caller is (being) deployed in
 * @param binding the caller's binding name
 * @param targetWorker the called worker's name
 * @param targetVersion the called version's number
 * @param method the method the caller calls, or {@code null} when the binding's entrypoint is missing
 * @param arity the argument count the caller passes; {@code -1} with a {@code null} method
 * @param problem what is wrong, naming the target version, e.g.
 *     {@code auth@5 has no method "check"; it has: ping(0), verify(1)}
 */
public record ContractViolation(String callerWorker, int callerVersion, String environment, String binding,
        String targetWorker, int targetVersion, String method, int arity, String problem) {

    /**
     * The violation as one line for a refused deploy:
     * {@code gateway@3 (production) binding AUTH calls auth.check(1): auth@5 has no method "check"; it has: ping(0), verify(1)}.
     *
     * @return the message
     */
    public String message() {
        String what = method == null ? "" : " calls " + targetWorker + "." + method + "(" + arity + ")";
        return callerWorker + "@" + callerVersion + " (" + environment + ") binding " + binding + what + ": " + problem;
    }
}
