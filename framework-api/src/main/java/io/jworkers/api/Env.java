package io.jworkers.api;

import java.util.Optional;
import java.util.Set;

/**
 * A worker's environment: its service bindings, vars and secrets, as configured in its
 * {@code worker.jsonc}. A worker sees only its own environment.
 *
 * <p>Looking up a name that is not configured throws {@link IllegalArgumentException} whose
 * message lists the names that are; the {@code optional...} variants return
 * {@link Optional#empty()} instead.
 */
public interface Env {

    /**
     * The service binding with this name, e.g. {@code env.service("AUTH")}.
     *
     * @param binding the binding name from the config's {@code services[].binding}
     * @return the binding; calls through it run the target worker in-process
     * @throws IllegalArgumentException if no such binding is configured (the message lists the known ones)
     */
    Service service(String binding);

    /**
     * A typed RPC stub for the binding, e.g. {@code env.service("AUTH", AuthApi.class).check(token)};
     * the same as {@code service(binding).rpc(contract)}.
     *
     * @param binding the binding name
     * @param contract an interface whose methods the target worker implements by name and arity
     * @param <T> the contract type
     * @return a stub implementing the contract
     * @throws IllegalArgumentException if no such binding is configured
     */
    <T> T service(String binding, Class<T> contract);

    /**
     * The service binding with this name, if configured.
     *
     * @param binding the binding name
     * @return the binding, or empty
     */
    Optional<Service> optionalService(String binding);

    /**
     * A plain-text variable from the config's {@code vars}.
     *
     * @param name the var name
     * @return the value; numbers and booleans as their text, objects and arrays as JSON
     * @throws IllegalArgumentException if no such var is configured (the message lists the known ones)
     */
    String var(String name);

    /**
     * A plain-text variable, if configured.
     *
     * @param name the var name
     * @return the value, or empty
     */
    Optional<String> optionalVar(String name);

    /**
     * A secret: from {@code .dev.vars} in {@code dev}, from the host's secret store when deployed.
     * Secrets are never logged or listed by the host.
     *
     * @param name the secret name
     * @return the value
     * @throws IllegalArgumentException if no such secret is set (the message lists the names that are)
     */
    String secret(String name);

    /**
     * A secret, if set.
     *
     * @param name the secret name
     * @return the value, or empty
     */
    Optional<String> optionalSecret(String name);

    /**
     * The names of this worker's service bindings.
     *
     * @return an unmodifiable set, sorted
     */
    Set<String> serviceNames();

    /**
     * The names of this worker's vars.
     *
     * @return an unmodifiable set, sorted
     */
    Set<String> varNames();

    /**
     * The names of the secrets set for this worker (never their values).
     *
     * @return an unmodifiable set, sorted
     */
    Set<String> secretNames();

    /**
     * The trusted properties that the calling worker's binding config set for this worker
     * (Cloudflare's {@code ctx.props}), as JSON text.
     *
     * @return a JSON object; {@code "{}"} when none were set
     */
    String props();

    /**
     * The version of this worker that is running (Cloudflare's version metadata): its id,
     * number, environment, deploy message, time and content hash.
     *
     * @return the running version; never {@code null}
     */
    WorkerVersion version();
}
