package io.jworkers.runtime.binding;

import io.jworkers.api.Env;
import io.jworkers.api.Service;
import io.jworkers.api.WorkerVersion;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.pipeline.CallFrame;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A worker's {@link Env}: its own bindings, vars and secrets, nothing of any other worker's.
 */
public final class WorkerEnv implements Env {

    private final String workerName;
    private final Map<String, ServiceBinding> services;
    private final Map<String, String> vars;
    private final Secrets secrets;
    private final WorkerVersion version;

    /**
     * Creates the environment.
     *
     * @param workerName the worker it belongs to, named in error messages
     * @param services the bindings by name
     * @param vars the vars by name
     * @param secrets the secrets
     * @param version the version these belong to
     */
    public WorkerEnv(String workerName, Map<String, ServiceBinding> services, Map<String, String> vars,
            Secrets secrets, WorkerVersion version) {
        this.workerName = workerName;
        this.services = sorted(services);
        this.vars = sorted(vars);
        this.secrets = secrets;
        this.version = version;
    }

    // Listed by name (error messages, keySet), looked up by hash: env.service("AUTH") runs on every
    // request, and a TreeMap's lookup compares the name against each level of the tree.
    private static <V> Map<String, V> sorted(Map<String, V> byName) {
        return Collections.unmodifiableMap(new java.util.LinkedHashMap<>(new TreeMap<>(byName)));
    }

    @Override
    public Service service(String binding) {
        ServiceBinding service = services.get(binding);
        if (service == null) {
            throw unknown("service binding", binding, services.keySet(), "\"services\"");
        }
        return service;
    }

    @Override
    public <T> T service(String binding, Class<T> contract) {
        return service(binding).rpc(contract);
    }

    @Override
    public Optional<Service> optionalService(String binding) {
        return Optional.ofNullable(services.get(binding));
    }

    @Override
    public String var(String name) {
        String value = vars.get(name);
        if (value == null) {
            throw unknown("var", name, vars.keySet(), "\"vars\"");
        }
        return value;
    }

    @Override
    public Optional<String> optionalVar(String name) {
        return Optional.ofNullable(vars.get(name));
    }

    @Override
    public String secret(String name) {
        return secrets.get(name).orElseThrow(() -> unknown("secret", name, secrets.names(),
                "\"secrets.required\" and .dev.vars (or `jworkers secret put`)"));
    }

    @Override
    public Optional<String> optionalSecret(String name) {
        return secrets.get(name);
    }

    @Override
    public Set<String> serviceNames() {
        return services.keySet();
    }

    @Override
    public Set<String> varNames() {
        return vars.keySet();
    }

    @Override
    public Set<String> secretNames() {
        return Collections.unmodifiableSet(new TreeSet<>(secrets.names()));
    }

    // Props belong to the call, not the worker: they are those of the binding the current call came through.
    @Override
    public String props() {
        return CallFrame.currentProps(workerName);
    }

    @Override
    public WorkerVersion version() {
        return version;
    }

    /**
     * The bindings, for the host's listings.
     *
     * @return the bindings by name, sorted
     */
    public Map<String, ServiceBinding> bindings() {
        return services;
    }

    private IllegalArgumentException unknown(String kind, String name, Set<String> known, String where) {
        String list = known.isEmpty() ? "it has none" : "it has: " + String.join(", ", new TreeSet<>(known));
        return new IllegalArgumentException("Worker \"" + workerName + "\" has no " + kind + " \"" + name + "\"; "
                + list + " (configure them under " + where + ")");
    }

    @Override
    public String toString() {
        return "Env[" + workerName + ": services=" + services.keySet() + ", vars=" + vars.keySet()
                + ", secrets=" + secrets.names() + "]";
    }
}
