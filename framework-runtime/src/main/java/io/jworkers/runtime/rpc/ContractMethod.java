package io.jworkers.runtime.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One abstract method of a caller's contract interface, as RPC sees it. A method returning
 * {@code CompletableFuture<T>} or {@code CompletionStage<T>} is asynchronous: the call runs on a
 * new virtual thread of the pipeline and the target's result is copied into {@code T}.
 *
 * @param method the contract method
 * @param async whether the contract wants a future
 * @param resultClass the class the result is copied into ({@code T} when async)
 * @param resultType the generic type the result is copied into
 */
record ContractMethod(Method method, boolean async, Class<?> resultClass, Type resultType) {

    static ContractMethod of(Method method) {
        Class<?> returned = method.getReturnType();
        if (returned == CompletableFuture.class || returned == CompletionStage.class) {
            Type inner = method.getGenericReturnType() instanceof ParameterizedType parameterized
                    ? parameterized.getActualTypeArguments()[0] : Object.class;
            Class<?> raw = inner instanceof Class<?> c ? c
                    : inner instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
            return new ContractMethod(method, true, raw == Void.class ? void.class : raw, inner);
        }
        return new ContractMethod(method, false, returned, method.getGenericReturnType());
    }

    String name() {
        return method.getName();
    }

    int arity() {
        return method.getParameterCount();
    }
}
