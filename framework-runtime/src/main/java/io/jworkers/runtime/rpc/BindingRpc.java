package io.jworkers.runtime.rpc;

import io.jworkers.api.ContractMismatchException;
import io.jworkers.api.RpcMethodNotFoundException;
import io.jworkers.api.ServiceUnavailableException;
import io.jworkers.runtime.pipeline.BoundaryExceptions;
import io.jworkers.runtime.pipeline.CallScope;
import io.jworkers.runtime.pipeline.Callee;
import io.jworkers.runtime.values.SharedTypes;
import io.jworkers.runtime.values.ValueCopier;
import io.jworkers.runtime.worker.EntrypointInstance;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.VersionLinks;
import io.jworkers.runtime.worker.VersionRouting;
import io.jworkers.runtime.pipeline.WorkerCall;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RPC side of one service binding: typed stubs (one per contract interface, made once and
 * cached) and dynamic calls by name.
 *
 * <p>The binding belongs to one version of the calling worker, and a contract interface to that
 * version's class loader, so caching stubs here ties their lifetime to the caller's version.
 */
public final class BindingRpc {

    private final RpcTarget target;
    private final Map<Class<?>, Stub> stubs = new ConcurrentHashMap<>();
    // The dynamic path's links, per version of the target called (see VersionLinks).
    private final VersionLinks<DynamicLink> dynamic;
    // A field, not a lambda per call: a capturing lambda would allocate on every call.
    private final java.util.function.Function<LoadedWorker, DynamicLink> newDynamicLink;

    private record Stub(Object instance, StubLinks links) {
    }

    // The dynamic path's per-version state: the version, the copier of this caller/target pair, and
    // each called method's handle, made once (bound to the instance, taking an Object[]).
    private record DynamicLink(LoadedWorker worker, Callee callee, ValueCopier copier, Map<Method, MethodHandle> handles,
            Map<String, Callee> methods) {
        // Per method, for its span.
        Callee callee(String method) {
            return methods.computeIfAbsent(method, callee::withMethod);
        }

        MethodHandle handle(Method method, Object instance) {
            return handles.computeIfAbsent(method, m -> handleOf(m).bindTo(instance)
                    .asSpreader(Object[].class, m.getParameterCount())
                    .asType(MethodType.methodType(Object.class, Object[].class)));
        }
    }

    /**
     * Creates the RPC side of a binding.
     *
     * @param target what the binding calls
     */
    public BindingRpc(RpcTarget target) {
        this.target = target;
        this.dynamic = new VersionLinks<>(target.slot());
        this.newDynamicLink = version -> new DynamicLink(version, target.callee(version, target.calls().rpc()),
                ValueCopier.create(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /**
     * The typed stub for a contract, made on first use. When the target is loaded the contract is
     * checked now; when it is not, the first call after it loads reports a mismatch.
     *
     * @param contract an interface of the caller
     * @param <T> the contract type
     * @return the stub
     * @throws IllegalArgumentException if {@code contract} is not an interface
     * @throws ContractMismatchException if the loaded target does not implement the contract
     */
    public <T> T stub(Class<T> contract) {
        if (!contract.isInterface()) {
            throw new IllegalArgumentException("RPC contracts are interfaces: " + contract.getName()
                    + " is a class. Declare an interface with the target's methods (by name and arity).");
        }
        Stub stub = stubs.computeIfAbsent(contract, this::newStub);
        stub.links().mismatch().ifPresent(message -> {
            throw new ContractMismatchException(message);
        });
        return contract.cast(stub.instance());
    }

    private Stub newStub(Class<?> contract) {
        List<Method> methods = ContractMethods.forwarded(contract);
        StubLinks links = new StubLinks(contract, methods.stream().map(ContractMethod::of).toList(), target);
        return new Stub(StubFactory.create(contract, methods, links.invokers()), links);
    }

    /**
     * Calls a target method by name. Arguments are copied into the target's declared parameter
     * types (shared values pass as they are); the result comes back as a shared value or as plain
     * data (maps, lists, strings, numbers).
     *
     * @param name the method name
     * @param args the arguments
     * @return the result
     * @throws RpcMethodNotFoundException if the target has no RPC method of that name
     * @throws ServiceUnavailableException if the target is not loaded
     */
    public Object call(String name, Object... args) {
        Object[] arguments = args == null ? new Object[0] : args;
        DynamicLink link = dynamicLink();
        EntrypointInstance entry = link.worker().entrypoint(target.entrypoint());
        if (entry == null) {
            throw new ServiceUnavailableException("Worker \"" + target.slot().name() + "\" has no entrypoint \""
                    + target.entrypoint() + "\"; it has: " + String.join(", ", link.worker().entrypointNames()));
        }
        Method method = entry.methods().get(name);
        if (method == null) {
            String reason = reasonNotCallable(name);
            throw new RpcMethodNotFoundException(name, entry.methods().describe(), "Binding " + target.binding()
                    + " calls " + target.describe() + (reason != null ? "; " + reason
                    : ": check the name, or add a public method " + name + " to that worker."));
        }
        if (method.getParameterCount() != arguments.length) {
            throw new IllegalArgumentException("RPC method " + name + " of " + target.describe() + " (binding "
                    + target.binding() + ") takes " + method.getParameterCount() + " arguments, the call passed "
                    + arguments.length + "; pass " + method.getParameterCount() + " (methods match by name, not by overloads)");
        }
        Type[] parameters = method.getGenericParameterTypes();
        Object[] copies = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            copies[i] = link.copier().copy(arguments[i], parameters[i], "arg" + i);
        }
        MethodHandle handle = link.handle(method, entry.instance());
        Object result;
        CallScope scope = RpcScopes.enter(link.callee(name), target.owner());
        Throwable failure = null;
        try {
            result = (Object) handle.invokeExact(copies);
        } catch (Throwable e) {
            failure = e;
            throw BoundaryExceptions.translate(e);
        } finally {
            scope.exit(failure, 0);
        }
        return result == null || SharedTypes.byReference(result.getClass()) ? result
                : link.copier().copy(result, Object.class, "result");
    }

    private DynamicLink dynamicLink() {
        VersionRouting routing = target.slot().routing();
        LoadedWorker worker = routing.isSplit() ? routing.choose(WorkerCall.runningPipeline()) : routing.newer();
        if (worker == null) {
            throw new ServiceUnavailableException(target.notFoundMessage());
        }
        return dynamic.get(worker, newDynamicLink);
    }

    private static String reasonNotCallable(String name) {
        if (name.equals("fetch")) {
            return "fetch is reserved for HTTP: call Service.fetch(request).";
        }
        for (Method method : Object.class.getMethods()) {
            if (method.getName().equals(name)) {
                return name + " is a method of java.lang.Object, which RPC does not call.";
            }
        }
        return List.of("start", "stop", "env", "ctx").contains(name)
                ? name + " belongs to the worker's lifecycle, which RPC does not call." : null;
    }

    private static MethodHandle handleOf(Method method) {
        try {
            return MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot call " + method + " over RPC: " + e.getMessage(), e);
        }
    }
}
