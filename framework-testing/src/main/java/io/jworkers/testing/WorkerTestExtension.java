package io.jworkers.testing;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.api.WorkerEntrypoint;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs workers in an in-process host, each in its own isolated class
 * loader as in {@code jworkers dev}, loaded fresh before each test and unloaded after it, so no
 * state (fields, static singletons, stores) leaks from one test into the next.
 *
 * <pre>{@code
 * class GatewayTest {
 *     @RegisterExtension
 *     static final WorkerTestExtension workers = WorkerTestExtension.forConfig("worker.jsonc")
 *             .replaceBinding("AUTH", request -> Response.text(403, "no"))
 *             .withWorker("../example-application/worker.jsonc");
 *
 *     @Test
 *     void refusedRequestsNeverReachTheApplication(Service self) {
 *         assertEquals(403, self.fetch("/notes").status());
 *     }
 * }
 * }</pre>
 *
 * <p>The first worker given is the <em>worker under test</em>. Test and lifecycle methods may
 * declare parameters of these types:
 * <ul>
 *   <li>{@link Service}: the worker under test, called as the public ingress calls it (Cloudflare's
 *       {@code SELF}): {@code fetch} and RPC; see {@link TestHost#self()}. With {@link Worker @Worker("name")}:
 *       another worker of the host; with {@code @Worker(value = "name", entrypoint = "Admin")}: a named entrypoint.
 *   <li>{@link Env}: the environment of the worker under test, or with {@code @Worker} of another one.
 *   <li>{@link TestHost}: the host, for {@link TestHost#awaitBackgroundWork()}.
 * </ul>
 * Only methods of a test (test methods, {@code @BeforeEach}, {@code @AfterEach}) can receive
 * them, since the workers live for one test; constructors and {@code @BeforeAll} methods cannot.
 *
 * <p>Configs are read as {@code jworkers dev} reads them (relative paths against the working
 * directory, which Maven sets to the module's folder), except that secrets come only from
 * {@link #withSecret}, never from {@code .dev.vars}. A worker's exception reaches the test with
 * the worker's stack frames ({@code auth//io.acme.AuthWorker.fetch(...)}).
 *
 * <p>Register it in a {@code static} field with {@code @RegisterExtension}; configure it before
 * the tests run (the builder methods are not meant to be called from tests). One extension per
 * test class.
 */
public final class WorkerTestExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WorkerTestExtension.class);

    private final List<WorkerSetup> setups = new ArrayList<>();

    private WorkerTestExtension(WorkerSetup self) {
        setups.add(self);
    }

    /**
     * Tests the worker described by a config file ({@code worker.jsonc} or {@code worker.toml}).
     *
     * @param config the config file, relative to the working directory or absolute
     * @return the extension
     */
    public static WorkerTestExtension forConfig(Path config) {
        return new WorkerTestExtension(new WorkerSetup(Objects.requireNonNull(config, "config"), null));
    }

    /**
     * Tests the worker described by a config file.
     *
     * @param config the config file's path, e.g. {@code "worker.jsonc"}
     * @return the extension
     * @see #forConfig(Path)
     */
    public static WorkerTestExtension forConfig(String config) {
        return forConfig(Path.of(config));
    }

    /**
     * Tests a worker given by its entrypoint class, without a config: the class folder or jar
     * the class was loaded from becomes the worker's classpath (loaded again, in an isolated
     * loader, with every entrypoint it holds), the class its default entrypoint. The worker is
     * private, has no vars, secrets or bindings but those the setup adds, the default limits, and
     * is named after the class: {@code AuthWorker} becomes {@code auth-worker}.
     *
     * <p>Meant for a module's main classes. A class among the test's own classes drags every
     * entrypoint of the test classes folder along; use {@link WorkerSetup#replaceBinding(String, Class)}
     * for workers written in a test.
     *
     * @param entrypoint the worker's default entrypoint class
     * @return the extension
     */
    public static WorkerTestExtension forClass(Class<? extends WorkerEntrypoint> entrypoint) {
        return new WorkerTestExtension(new WorkerSetup(null, Objects.requireNonNull(entrypoint, "entrypoint")));
    }

    /**
     * Adds a worker to the host (an auxiliary worker), reachable through the bindings of the
     * others and injectable with {@link Worker @Worker("name")}.
     *
     * @param config its config file
     * @return this extension
     */
    public WorkerTestExtension withWorker(Path config) {
        return withWorker(config, setup -> { });
    }

    /**
     * Adds a worker to the host.
     *
     * @param config its config file's path
     * @return this extension
     * @see #withWorker(Path)
     */
    public WorkerTestExtension withWorker(String config) {
        return withWorker(Path.of(config));
    }

    /**
     * Adds a worker to the host and sets its vars, secrets or replaced bindings.
     *
     * <pre>{@code .withWorker(Path.of("../example-auth/worker.jsonc"), auth -> auth.withSecret("SECRET_TOKEN", "t0k3n"))}</pre>
     *
     * @param config its config file
     * @param setup changes the worker's setup
     * @return this extension
     */
    public WorkerTestExtension withWorker(Path config, Consumer<WorkerSetup> setup) {
        WorkerSetup worker = new WorkerSetup(Objects.requireNonNull(config, "config"), null);
        setup.accept(worker);
        setups.add(worker);
        return this;
    }

    /**
     * Adds a worker to the host and sets its vars, secrets or replaced bindings.
     *
     * <pre>{@code .withWorker("../example-auth/worker.jsonc", auth -> auth.withSecret("SECRET_TOKEN", "t0k3n"))}</pre>
     *
     * @param config its config file's path, relative to the module folder (the working directory of a Maven test)
     * @param setup changes the worker's setup
     * @return this extension
     * @see #withWorker(Path, Consumer)
     */
    public WorkerTestExtension withWorker(String config, Consumer<WorkerSetup> setup) {
        return withWorker(Path.of(config), setup);
    }

    /**
     * Adds a worker given by its entrypoint class (see {@link #forClass}) to the host.
     *
     * @param entrypoint its default entrypoint class
     * @param setup changes the worker's setup
     * @return this extension
     */
    public WorkerTestExtension withWorker(Class<? extends WorkerEntrypoint> entrypoint, Consumer<WorkerSetup> setup) {
        WorkerSetup worker = new WorkerSetup(null, Objects.requireNonNull(entrypoint, "entrypoint"));
        setup.accept(worker);
        setups.add(worker);
        return this;
    }

    /**
     * Sets a var of the worker under test; see {@link WorkerSetup#withVar}.
     *
     * @param name the var name
     * @param value its text
     * @return this extension
     */
    public WorkerTestExtension withVar(String name, String value) {
        self().withVar(name, value);
        return this;
    }

    /**
     * Sets a secret of the worker under test; see {@link WorkerSetup#withSecret}.
     *
     * @param name the secret name
     * @param value its value
     * @return this extension
     */
    public WorkerTestExtension withSecret(String name, String value) {
        self().withSecret(name, value);
        return this;
    }

    /**
     * Answers a binding of the worker under test with a function; see
     * {@link WorkerSetup#replaceBinding(String, Function)}.
     *
     * @param binding the binding name
     * @param fetch the handler
     * @return this extension
     */
    public WorkerTestExtension replaceBinding(String binding, Function<Request, Response> fetch) {
        self().replaceBinding(binding, fetch);
        return this;
    }

    /**
     * Answers a binding of the worker under test with an object implementing a contract; see
     * {@link WorkerSetup#replaceBinding(String, Class, Object)}.
     *
     * @param binding the binding name
     * @param contract the contract interface
     * @param implementation what its methods call
     * @param <T> the contract type
     * @return this extension
     */
    public <T> WorkerTestExtension replaceBinding(String binding, Class<T> contract, T implementation) {
        self().replaceBinding(binding, contract, implementation);
        return this;
    }

    /**
     * Answers a binding of the worker under test with a worker class written in the test; see
     * {@link WorkerSetup#replaceBinding(String, Class)}.
     *
     * @param binding the binding name
     * @param worker the worker class
     * @return this extension
     */
    public WorkerTestExtension replaceBinding(String binding, Class<? extends WorkerEntrypoint> worker) {
        self().replaceBinding(binding, worker);
        return this;
    }

    private WorkerSetup self() {
        return setups.getFirst();
    }

    /**
     * Loads the workers for the test about to run.
     *
     * @param context the test's context
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(this, RunningHost.start(List.copyOf(setups)));
    }

    /**
     * Unloads the test's workers: background work still running is cancelled, each worker's
     * {@code stop()} runs, its loader is closed.
     *
     * @param context the test's context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        RunningHost host = context.getStore(NAMESPACE).remove(this, RunningHost.class);
        if (host != null) {
            host.close();
        }
    }

    /**
     * Tells whether a parameter is one this extension injects: {@link Service}, {@link Env} or
     * {@link TestHost}.
     *
     * @param parameter the parameter
     * @param context the context
     * @return {@code true} for those types
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Service.class || type == Env.class || type == TestHost.class;
    }

    /**
     * Resolves a {@link Service}, {@link Env} or {@link TestHost} parameter from the current test's host.
     *
     * @param parameter the parameter
     * @param context the context
     * @return the value
     * @throws ParameterResolutionException outside a test's lifetime (constructor, {@code @BeforeAll}),
     *     or for a {@link Worker @Worker} name the host does not have
     */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RunningHost host = context.getStore(NAMESPACE).get(this, RunningHost.class);
        if (host == null || !(parameter.getDeclaringExecutable() instanceof Method)) {
            throw new ParameterResolutionException("WorkerTestExtension loads fresh workers for each test, so "
                    + parameter.getParameter().getType().getSimpleName() + " parameters can be injected into @Test,"
                    + " @BeforeEach and @AfterEach methods only, not into " + parameter.getDeclaringExecutable());
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == TestHost.class) {
            return host;
        }
        String worker = parameter.findAnnotation(Worker.class).map(Worker::value).orElse(host.selfName());
        String entrypoint = parameter.findAnnotation(Worker.class).map(Worker::entrypoint).filter(name -> !name.isEmpty())
                .orElse(null);
        try {
            return type == Service.class ? host.service(worker, entrypoint) : host.env(worker);
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /**
     * The worker name given to a worker loaded from a class: its simple name in lower case, words
     * separated by {@code -}.
     *
     * @param type the entrypoint class
     * @return e.g. {@code auth-worker} for {@code AuthWorker}
     */
    static String nameOf(Class<?> type) {
        return type.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return "WorkerTestExtension" + setups;
    }
}
