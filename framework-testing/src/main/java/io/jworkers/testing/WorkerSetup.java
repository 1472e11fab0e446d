package io.jworkers.testing;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one worker of a test's host is loaded from, and what the test changes about it: vars,
 * secrets and bindings. The same settings apply to every test of the class; each test still gets
 * a freshly loaded worker.
 *
 * <p>Obtained from {@link WorkerTestExtension#withWorker(Path, java.util.function.Consumer)} for an
 * auxiliary worker; the extension's own {@code with...} and {@code replaceBinding} methods change
 * the worker under test. Methods return {@code this} for chaining; later calls for the same name
 * replace earlier ones.
 */
public final class WorkerSetup {

    private final Path config;
    private final Class<? extends WorkerEntrypoint> entrypoint;
    private final Map<String, String> vars = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Map<String, StandIn> replacements = new LinkedHashMap<>();

    WorkerSetup(Path config, Class<? extends WorkerEntrypoint> entrypoint) {
        this.config = config;
        this.entrypoint = entrypoint;
    }

    /**
     * Sets a var, replacing the config's value of that name or adding one.
     *
     * @param name the var name
     * @param value its text
     * @return this setup
     */
    public WorkerSetup withVar(String name, String value) {
        vars.put(requireName(name, "var"), Objects.requireNonNull(value, () -> "value of var " + name));
        return this;
    }

    /**
     * Sets a secret. Tests never read {@code .dev.vars} (so they run the same on every machine):
     * every secret the config requires must be set here, or the test fails naming it.
     *
     * @param name the secret name
     * @param value its value; never printed
     * @return this setup
     */
    public WorkerSetup withSecret(String name, String value) {
        secrets.put(requireName(name, "secret"), Objects.requireNonNull(value, () -> "value of secret " + name));
        return this;
    }

    /**
     * Answers the binding's {@code fetch} calls with a function instead of the configured worker.
     * The function runs as a worker of its own in the caller's pipeline (one level deeper,
     * counted as a subrequest); RPC calls through the binding find no methods. It runs in the
     * test's class loader, so it may record what it received in the test's own objects.
     *
     * <pre>{@code .replaceBinding("AUTH", request -> Response.text(403, "no"))}</pre>
     *
     * @param binding the binding name, one of the worker's {@code services}; for a worker loaded
     *     from a class, which has no config, this declares the binding
     * @param fetch the handler; it must not return {@code null}
     * @return this setup
     */
    public WorkerSetup replaceBinding(String binding, Function<Request, Response> fetch) {
        Objects.requireNonNull(fetch, "fetch");
        replacements.put(requireName(binding, "binding"), StandIn.fetch(fetch));
        return this;
    }

    /**
     * Answers the binding's RPC calls with an object implementing a contract interface instead of
     * the configured worker. The caller's own contract is matched against {@code contract}'s
     * methods by name and arity, and values are copied by shape, as between two workers.
     *
     * <pre>{@code .replaceBinding("APPLICATION_ADMIN", AdminApi.class, () -> new AdminApi.Stats(2, 5, NOW, "{}"))}</pre>
     *
     * @param binding the binding name (see {@link #replaceBinding(String, Function)})
     * @param contract the interface whose abstract methods become the stand-in's RPC methods
     * @param implementation what those methods call; it runs in the test's class loader
     * @param <T> the contract type
     * @return this setup
     * @throws IllegalArgumentException if {@code contract} is not an interface
     */
    public <T> WorkerSetup replaceBinding(String binding, Class<T> contract, T implementation) {
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(implementation, "implementation");
        if (!contract.isInterface()) {
            throw new IllegalArgumentException("RPC contracts are interfaces: " + contract.getName() + " is a class");
        }
        replacements.put(requireName(binding, "binding"), StandIn.rpc(contract, implementation));
        return this;
    }

    /**
     * Answers the binding with a small worker written in the test: a public static class extending
     * {@link WorkerEntrypoint} with a public no-argument constructor, serving {@code fetch}, RPC
     * or both. A new instance is created for every test, with an environment of its own that is
     * empty except for the binding's props.
     *
     * <p>Unlike workers loaded from configs or classes, it is not isolated: it is loaded by the
     * test's class loader and shares the test's classes and static fields (handy for recording
     * calls; reset static state yourself). It is a stand-in, not the worker under test.
     *
     * @param binding the binding name (see {@link #replaceBinding(String, Function)})
     * @param worker the worker class
     * @return this setup
     */
    public WorkerSetup replaceBinding(String binding, Class<? extends WorkerEntrypoint> worker) {
        Objects.requireNonNull(worker, "worker");
        replacements.put(requireName(binding, "binding"), StandIn.worker(worker));
        return this;
    }

    Path config() {
        return config;
    }

    Class<? extends WorkerEntrypoint> entrypoint() {
        return entrypoint;
    }

    Map<String, String> vars() {
        return vars;
    }

    Map<String, String> secrets() {
        return secrets;
    }

    Map<String, StandIn> replacements() {
        return replacements;
    }

    private static String requireName(String name, String kind) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A " + kind + " name must not be empty");
        }
        return name;
    }

    @Override
    public String toString() {
        return "WorkerSetup[" + (config != null ? config : entrypoint.getName()) + ", vars=" + vars.keySet()
                + ", secrets=" + secrets.keySet() + ", replaced=" + replacements.keySet() + "]";
    }
}
