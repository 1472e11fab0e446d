package io.jworkers.runtime.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which methods of an RPC contract a stub forwards to the target: the abstract ones, in a stable
 * order. Default methods run in the caller; {@code Object}'s methods are the stub's own.
 */
public final class ContractMethods {

    private ContractMethods() {
    }

    /**
     * The forwarded methods of a contract.
     *
     * @param contract the interface
     * @return its abstract methods other than {@code Object}'s, by name then arity
     */
    public static List<Method> forwarded(Class<?> contract) {
        return Arrays.stream(contract.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers()) && !isObjectMethod(m))
                .sorted(Comparator.comparing(Method::getName).thenComparing(Method::getParameterCount))
                .toList();
    }

    private static boolean isObjectMethod(Method method) {
        try {
            Object.class.getMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
