package io.jworkers.testing;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.runtime.rpc.ContractMethods;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * What answers a replaced binding: a worker class that the host adopts into a slot of its own.
 * A test's worker class is used as it is; a fetch function or a contract implementation gets a
 * generated {@link WorkerEntrypoint} subclass whose {@code fetch} or public methods call it. The
 * class is made once per replacement (it holds only the function or object), and the host creates
 * a new instance of it for each test.
 */
final class StandIn {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Function<Request, Response> fetch;
    private final Class<?> contract;
    private final Object implementation;
    private volatile Class<? extends WorkerEntrypoint> type;

    private StandIn(Function<Request, Response> fetch, Class<?> contract, Object implementation,
            Class<? extends WorkerEntrypoint> type) {
        this.fetch = fetch;
        this.contract = contract;
        this.implementation = implementation;
        this.type = type;
    }

    static StandIn fetch(Function<Request, Response> fetch) {
        return new StandIn(fetch, null, null, null);
    }

    static StandIn rpc(Class<?> contract, Object implementation) {
        return new StandIn(null, contract, implementation, null);
    }

    static StandIn worker(Class<? extends WorkerEntrypoint> type) {
        return new StandIn(null, null, null, type);
    }

    /**
     * The worker class, generated on first use.
     *
     * @return the class
     */
    Class<? extends WorkerEntrypoint> type() {
        Class<? extends WorkerEntrypoint> made = type;
        if (made == null) {
            synchronized (this) {
                made = type;
                if (made == null) {
                    made = fetch != null ? generateFetch() : generateRpc();
                    type = made;
                }
            }
        }
        return made;
    }

    private Class<? extends WorkerEntrypoint> generateFetch() {
        try {
            Method apply = Function.class.getMethod("apply", Object.class);
            DynamicType.Builder<WorkerEntrypoint> builder = base(StandIn.class.getPackageName(), "FetchStandIn")
                    .method(ElementMatchers.named("fetch").and(ElementMatchers.takesArguments(Request.class, Env.class)))
                    .intercept(MethodCall.invoke(apply).on(fetch, Function.class).withArgument(0)
                            .withAssigner(Assigner.DEFAULT, Assigner.Typing.DYNAMIC));
            return load(builder, StandIn.class.getClassLoader());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    // Defined in the contract's own package and loader, so that a package-private contract (or
    // record in its signatures), as tests often declare them, is accessible to it.
    private Class<? extends WorkerEntrypoint> generateRpc() {
        DynamicType.Builder<WorkerEntrypoint> builder = base(contract.getPackageName(), "RpcStandIn");
        for (Method method : ContractMethods.forwarded(contract)) {
            if (method.getTypeParameters().length > 0) {
                throw new IllegalArgumentException("Contract method " + contract.getName() + "." + method.getName()
                        + " declares type variables, which a replaced binding cannot serve; use a worker class in the"
                        + " test instead (replaceBinding(binding, MyWorker.class))");
            }
            builder = builder.defineMethod(method.getName(), TypeDefinition.Sort.describe(method.getGenericReturnType()),
                            Visibility.PUBLIC)
                    .withParameters(Arrays.stream(method.getGenericParameterTypes()).map(TypeDefinition.Sort::describe).toList())
                    .intercept(MethodCall.invoke(method).on(implementation, anyType(contract)).withAllArguments());
        }
        try (DynamicType.Unloaded<WorkerEntrypoint> unloaded = builder.make()) {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(contract, MethodHandles.lookup());
            return unloaded.load(contract.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(lookup)).getLoaded();
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("Cannot define a stand-in for contract " + contract.getName() + " in its"
                    + " package: " + e.getMessage() + ". Open the package to io.jworkers.testing, or make the contract public.", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<Object> anyType(Class<?> type) {
        return (Class<Object>) type;
    }

    private static DynamicType.Builder<WorkerEntrypoint> base(String packageName, String kind) {
        return new ByteBuddy(ClassFileVersion.JAVA_V21)
                .subclass(WorkerEntrypoint.class, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_OPENING)
                .name((packageName.isEmpty() ? "" : packageName + ".") + "JWorkers$" + kind + COUNTER.incrementAndGet())
                .modifiers(Visibility.PUBLIC);
    }

    private static Class<? extends WorkerEntrypoint> load(DynamicType.Builder<WorkerEntrypoint> builder, ClassLoader parent) {
        try (DynamicType.Unloaded<WorkerEntrypoint> unloaded = builder.make()) {
            return unloaded.load(parent, ClassLoadingStrategy.Default.WRAPPER).getLoaded();
        }
    }

    @Override
    public String toString() {
        return fetch != null ? "a fetch function" : contract != null ? "an implementation of " + contract.getName()
                : "worker class " + type.getName();
    }
}
