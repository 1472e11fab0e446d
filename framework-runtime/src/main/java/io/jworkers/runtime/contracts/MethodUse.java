package io.jworkers.runtime.contracts;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One RPC method a worker's code calls over a binding: a method of a contract interface it asks
 * for (with its declared types, resolved in the caller's loader), or a dynamic
 * {@code Service.call(name, args...)} (name and argument count only).
 *
 * @param name the method name
 * @param arity how many arguments the call passes
 * @param contract the contract interface declaring it, or {@code null} for a dynamic call
 * @param parameters the contract method's generic parameter types; empty for a dynamic call
 * @param returns the type the caller takes the result as ({@code T} of a {@code CompletableFuture<T>}
 *     or {@code CompletionStage<T>}, which the stub completes asynchronously); {@code Object.class}
 *     for a dynamic call, whose result comes back as plain data
 */
public record MethodUse(String name, int arity, Class<?> contract, List<Type> parameters, Type returns) {

    /** Copies the parameter list. */
    public MethodUse {
        parameters = List.copyOf(parameters);
    }

    /**
     * A method of a contract interface, as its stub forwards it.
     *
     * @param contract the interface
     * @param method one of its abstract methods
     * @return the use
     */
    public static MethodUse of(Class<?> contract, Method method) {
        Type returns = method.getGenericReturnType();
        Class<?> raw = method.getReturnType();
        if (raw == CompletableFuture.class || raw == CompletionStage.class) {
            returns = returns instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()[0] : Object.class;
        }
        return new MethodUse(method.getName(), method.getParameterCount(), contract,
                List.of(method.getGenericParameterTypes()), returns);
    }

    /**
     * A {@code Service.call(name, args...)}.
     *
     * @param name the method name
     * @param arity the argument count
     * @return the use
     */
    public static MethodUse dynamic(String name, int arity) {
        return new MethodUse(name, arity, null, List.of(), Object.class);
    }

    /**
     * Whether the call is dynamic, its values' shapes unknown.
     *
     * @return {@code true} for {@code Service.call}
     */
    public boolean dynamic() {
        return contract == null;
    }

    /**
     * The method as messages name it: {@code check(1)}.
     *
     * @return name and arity
     */
    public String describe() {
        return name + "(" + arity + ")";
    }

    @Override
    public String toString() {
        if (dynamic()) {
            return describe() + " dynamic";
        }
        return name + "(" + String.join(", ", parameters.stream().map(Type::getTypeName).toList()) + ") -> "
                + returns.getTypeName() + " of " + contract.getName();
    }
}
