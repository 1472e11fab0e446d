package io.jworkers.runtime.worker;

import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.EntrypointRules;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RPC methods of an entrypoint class, by name: its public instance methods and those of its
 * superclasses below {@link WorkerEntrypoint}, except the lifecycle methods ({@code fetch},
 * {@code start}, ...). Names are unique (dispatch is by name, as in Cloudflare).
 */
public final class RpcMethods {

    private final Map<String, Method> byName;

    private RpcMethods(Map<String, Method> byName) {
        this.byName = byName;
    }

    /**
     * Reads the RPC methods of a class whose method names have been checked to be unique.
     *
     * @param type the entrypoint class
     * @return the methods
     */
    static RpcMethods of(Class<?> type) {
        Map<String, Method> methods = new TreeMap<>();
        for (Method method : candidates(type)) {
            method.setAccessible(true);
            methods.put(method.getName(), method);
        }
        return new RpcMethods(Collections.unmodifiableMap(methods));
    }

    /**
     * The public instance methods that count as RPC methods, overloads included (for the
     * uniqueness check).
     *
     * @param type the entrypoint class
     * @return the methods
     */
    static List<Method> candidates(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        List<Method> bridges = new ArrayList<>();
        for (Method method : type.getMethods()) {
            Class<?> owner = method.getDeclaringClass();
            if (Modifier.isStatic(method.getModifiers()) || owner == Object.class
                    || !WorkerEntrypoint.class.isAssignableFrom(owner) || owner == WorkerEntrypoint.class
                    || EntrypointRules.LIFECYCLE_METHODS.contains(method.getName())
                    || EntrypointRules.overridesObjectMethod(method.getName(),
                            Arrays.stream(method.getParameterTypes()).map(Class::getName).toList())) {
                continue;
            }
            (method.isBridge() || method.isSynthetic() ? bridges : methods).add(method);
        }
        // javac re-declares a public method inherited from a package-private class as a bridge in the
        // subclass, and reflection then shows only the bridge: keep such a bridge when no real method
        // has its name (other bridges, for erased generics, duplicate a real method and are dropped).
        for (Method bridge : bridges) {
            if (methods.stream().noneMatch(m -> m.getName().equals(bridge.getName()))) {
                methods.add(bridge);
            }
        }
        return methods;
    }

    /**
     * The method with this name.
     *
     * @param name the method name
     * @return the method, or {@code null}
     */
    public Method get(String name) {
        return byName.get(name);
    }

    /**
     * The names and arities, for error messages: {@code add(2), stats(0)}.
     *
     * @return sorted descriptions
     */
    public List<String> describe() {
        return byName.values().stream().map(m -> m.getName() + "(" + m.getParameterCount() + ")").toList();
    }
}
