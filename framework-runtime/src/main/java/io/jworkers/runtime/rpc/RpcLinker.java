package io.jworkers.runtime.rpc;

import static java.lang.invoke.MethodType.methodType;

import com.fasterxml.jackson.databind.JavaType;
import io.jworkers.runtime.pipeline.BackgroundWork;
import io.jworkers.runtime.pipeline.BoundaryExceptions;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.CallScope;
import io.jworkers.runtime.pipeline.Callee;
import io.jworkers.runtime.pipeline.BindingOwner;
import io.jworkers.runtime.values.RecordCopiers;
import io.jworkers.runtime.values.SharedTypes;
import io.jworkers.runtime.values.ValueCopier;
import io.jworkers.runtime.worker.EntrypointInstance;
import io.jworkers.runtime.worker.LoadedWorker;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Builds the method handle behind one contract method for one target version: a straight call
 * of the target method, with only the arguments and result that must be copied going through
 * the {@link ValueCopier}, wrapped in the pipeline's enter/exit and the boundary's exception
 * translation. Method-handle combinators let the JIT inline the whole chain: no boxing of
 * shared values, no {@code Object[]}, no reflection per call.
 */
final class RpcLinker {

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodHandle ENTER;
    private static final MethodHandle EXIT;
    private static final MethodHandle TRANSLATE;
    private static final MethodHandle COPY;
    private static final MethodHandle NOT_CONNECTED;
    private static final MethodHandle MISMATCH;
    private static final MethodHandle START_ASYNC;

    static {
        try {
            ENTER = LOOKUP.findStatic(RpcScopes.class, "enter",
                    methodType(CallScope.class, Callee.class, BindingOwner.class));
            EXIT = LOOKUP.findStatic(RpcScopes.class, "exit", methodType(void.class, Throwable.class, CallScope.class));
            TRANSLATE = LOOKUP.findStatic(BoundaryExceptions.class, "translate",
                    methodType(RuntimeException.class, Throwable.class));
            COPY = LOOKUP.findVirtual(ValueCopier.class, "copy",
                    methodType(Object.class, Object.class, JavaType.class, String.class));
            NOT_CONNECTED = LOOKUP.findStatic(RpcScopes.class, "notConnected", methodType(Object.class, String.class));
            MISMATCH = LOOKUP.findStatic(RpcScopes.class, "mismatch", methodType(Object.class, String.class));
            START_ASYNC = LOOKUP.findStatic(RpcLinker.class, "startAsync",
                    methodType(CompletableFuture.class, BindingOwner.class, MethodHandle.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RpcLinker() {
    }

    /**
     * The handle of a contract method bound to a target version.
     *
     * @param contract the contract method
     * @param worker the target version
     * @param entry the target entrypoint
     * @param target the binding's target description
     * @param copier the copier of this caller/target pair
     * @return a handle of exactly the contract method's type
     */
    static MethodHandle link(ContractMethod contract, LoadedWorker worker, EntrypointInstance entry, RpcTarget target,
            ValueCopier copier) {
        Method method = contract.method();
        Method targetMethod = entry.methods().get(method.getName());
        Class<?>[] params = method.getParameterTypes();
        Class<?> result = contract.resultClass();

        MethodHandle core = unreflect(targetMethod).bindTo(entry.instance());
        Class<?>[] targetParams = targetMethod.getParameterTypes();
        Type[] targetGenericParams = targetMethod.getGenericParameterTypes();
        for (int i = 0; i < params.length; i++) {
            if (!passesDirectly(params[i], targetParams[i])) {
                core = MethodHandles.filterArguments(core, i,
                        converter(copier, targetGenericParams[i], params[i], targetParams[i], argumentName(method, i)));
            }
        }
        Class<?> targetResult = targetMethod.getReturnType();
        if (result != void.class && targetResult != void.class && !passesDirectly(targetResult, result)) {
            core = MethodHandles.filterReturnValue(core,
                    converter(copier, contract.resultType(), targetResult, result, "result"));
        }
        core = adapt(core, methodType(result, params));

        MethodHandle scoped = MethodHandles.dropArguments(core, 0, CallScope.class);
        // (Throwable, [result,] CallScope) -> [result]: exit, telling the span what was thrown.
        MethodHandle cleanup = result == void.class
                ? EXIT
                : MethodHandles.permuteArguments(
                        MethodHandles.foldArguments(MethodHandles.dropArguments(MethodHandles.identity(result), 0,
                                Throwable.class, CallScope.class), 0, EXIT),
                        methodType(result, Throwable.class, result, CallScope.class), 0, 2, 1);
        MethodHandle guarded = MethodHandles.tryFinally(scoped, cleanup);
        MethodHandle enter = MethodHandles.insertArguments(ENTER, 0,
                target.callee(worker, target.calls().rpc()).withMethod(method.getName()),
                target.owner());
        MethodHandle entered = MethodHandles.foldArguments(guarded, enter);
        MethodHandle rethrow = MethodHandles.filterArguments(
                MethodHandles.throwException(result, RuntimeException.class), 0, TRANSLATE);
        MethodHandle sync = MethodHandles.catchException(entered, Throwable.class,
                MethodHandles.dropArguments(rethrow, 1, params));
        return contract.async() ? async(sync, method, target.owner()) : sync;
    }

    /**
     * A handle of the contract method's type that throws {@code ServiceUnavailableException}.
     *
     * @param contract the contract method
     * @param message the exception's message
     * @return the handle
     */
    static MethodHandle notConnected(ContractMethod contract, String message) {
        return throwing(contract.method(), MethodHandles.insertArguments(NOT_CONNECTED, 0, message));
    }

    /**
     * A handle of the contract method's type that throws {@code ContractMismatchException}.
     *
     * @param contract the contract method
     * @param message the exception's message
     * @return the handle
     */
    static MethodHandle mismatch(ContractMethod contract, String message) {
        return throwing(contract.method(), MethodHandles.insertArguments(MISMATCH, 0, message));
    }

    // Shared values pass as they are: the same class on both sides, or a primitive and its box.
    private static boolean passesDirectly(Class<?> from, Class<?> to) {
        if (from == to) {
            return SharedTypes.byReference(from);
        }
        if (from.isPrimitive() || to.isPrimitive()) {
            return MethodType.methodType(from).wrap().returnType() == MethodType.methodType(to).wrap().returnType();
        }
        return false;
    }

    private static MethodHandle converter(ValueCopier copier, Type declared, Class<?> from, Class<?> to, String path) {
        Optional<MethodHandle> generated = RecordCopiers.copier(from, to, path);
        if (generated.isPresent()) {
            return generated.get().asType(methodType(to, from));
        }
        MethodHandle copy = MethodHandles.insertArguments(COPY.bindTo(copier), 1, copier.typeOf(declared), path);
        return copy.asType(methodType(to, from));
    }

    private static MethodHandle adapt(MethodHandle handle, MethodType type) {
        if (type.returnType() == void.class && handle.type().returnType() != void.class) {
            handle = handle.asType(handle.type().changeReturnType(void.class));
        }
        return handle.asType(type);
    }

    private static MethodHandle throwing(Method method, MethodHandle thrower) {
        MethodHandle typed = thrower.asType(methodType(method.getReturnType() == void.class ? void.class : Object.class));
        typed = adapt(typed, methodType(method.getReturnType()));
        return MethodHandles.dropArguments(typed, 0, method.getParameterTypes());
    }

    private static MethodHandle async(MethodHandle sync, Method method, BindingOwner owner) {
        int arity = method.getParameterCount();
        MethodHandle spread = sync.asType(sync.type().generic().changeReturnType(Object.class))
                .asSpreader(Object[].class, arity);
        MethodHandle start = MethodHandles.insertArguments(START_ASYNC, 0, owner, spread);
        return start.asCollector(Object[].class, arity).asType(methodType(method.getReturnType(), method.getParameterTypes()));
    }

    // Runs the synchronous call on a new virtual thread that joins the caller's pipeline.
    private static CompletableFuture<Object> startAsync(BindingOwner owner, MethodHandle spread, Object[] args) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        BackgroundWork.async(CallFrame.currentOrDetached(owner), () -> {
            try {
                future.complete((Object) spread.invokeExact(args));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private static MethodHandle unreflect(Method method) {
        try {
            return LOOKUP.unreflect(method);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot call " + method + " over RPC: " + e.getMessage(), e);
        }
    }

    private static String argumentName(Method method, int index) {
        java.lang.reflect.Parameter parameter = method.getParameters()[index];
        return parameter.isNamePresent() ? parameter.getName() : "arg" + index;
    }
}
