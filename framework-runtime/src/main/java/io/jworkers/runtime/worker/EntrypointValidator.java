package io.jworkers.runtime.worker;

import io.jworkers.api.Entrypoint;
import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.bridge.EntrypointRules;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks an entrypoint class at load time against the rules the annotation processor checks at
 * compile time ({@link EntrypointRules}), with the same messages, for classes built without the
 * processor.
 */
final class EntrypointValidator {

    private EntrypointValidator() {
    }

    /**
     * The first rule the class breaks.
     *
     * @param type the entrypoint class
     * @return the message, or empty when the class is a valid entrypoint
     */
    static Optional<String> violation(Class<?> type) {
        String name = type.getName();
        if (!Modifier.isPublic(type.getModifiers()) || (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()))) {
            return Optional.of(EntrypointRules.notPublic(name));
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            return Optional.of(EntrypointRules.abstractEntrypoint(name));
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            return Optional.of(EntrypointRules.noPublicNoArgConstructor(name));
        }
        for (Method method : type.getMethods()) {
            if (method.getName().equals("fetch") && !Modifier.isStatic(method.getModifiers()) && !isHttpFetch(method)) {
                return Optional.of(EntrypointRules.fetchSignature(name, "fetch(" + Arrays.stream(method.getGenericParameterTypes())
                        .map(Type::getTypeName).collect(Collectors.joining(", ")) + ")"));
            }
        }
        List<Method> candidates = RpcMethods.candidates(type);
        Map<String, Integer> counts = new HashMap<>();
        candidates.forEach(m -> counts.merge(m.getName(), 1, Integer::sum));
        Optional<String> duplicate = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().findFirst();
        if (duplicate.isPresent()) {
            return Optional.of(EntrypointRules.duplicateMethodName(name, duplicate.get(), counts.get(duplicate.get())));
        }
        for (Method method : candidates.stream().sorted((a, b) -> a.getName().compareTo(b.getName())).toList()) {
            Type[] parameters = method.getGenericParameterTypes();
            for (int i = 0; i < parameters.length; i++) {
                Optional<String> reason = nonCrossable(parameters[i], new HashSet<>());
                if (reason.isPresent()) {
                    return Optional.of(EntrypointRules.cannotCross(name, method.getName(), "parameter " + (i + 1),
                            parameters[i].getTypeName(), reason.get()));
                }
            }
            Optional<String> reason = nonCrossable(method.getGenericReturnType(), new HashSet<>());
            if (reason.isPresent()) {
                return Optional.of(EntrypointRules.cannotCross(name, method.getName(), "the return value",
                        method.getGenericReturnType().getTypeName(), reason.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * The entrypoint's name: its {@code @Entrypoint} value, else its simple name.
     *
     * @param type the entrypoint class
     * @return the name
     */
    static String nameOf(Class<?> type) {
        Entrypoint annotation = type.getAnnotation(Entrypoint.class);
        return annotation != null ? annotation.value() : type.getSimpleName();
    }

    private static boolean isHttpFetch(Method method) {
        return method.getReturnType() == Response.class
                && Arrays.equals(method.getParameterTypes(), new Class<?>[] {Request.class, Env.class});
    }

    // Why a declared type cannot cross, looking through type arguments, arrays and record components.
    private static Optional<String> nonCrossable(Type type, Set<Type> seen) {
        if (!seen.add(type)) {
            return Optional.empty();
        }
        if (type instanceof Class<?> raw) {
            if (raw.isArray()) {
                return nonCrossable(raw.getComponentType(), seen);
            }
            Optional<String> reason = nearestNonCrossable(raw);
            if (reason.isPresent()) {
                return reason;
            }
            if (raw.isRecord()) {
                for (RecordComponent component : raw.getRecordComponents()) {
                    Optional<String> inComponent = nonCrossable(component.getGenericType(), seen);
                    if (inComponent.isPresent()) {
                        return inComponent;
                    }
                }
            }
            return Optional.empty();
        }
        if (type instanceof ParameterizedType parameterized) {
            Optional<String> reason = nonCrossable(parameterized.getRawType(), seen);
            for (Type argument : parameterized.getActualTypeArguments()) {
                reason = reason.or(() -> nonCrossable(argument, seen));
            }
            return reason;
        }
        if (type instanceof GenericArrayType array) {
            return nonCrossable(array.getGenericComponentType(), seen);
        }
        if (type instanceof WildcardType wildcard) {
            return Arrays.stream(wildcard.getUpperBounds()).map(t -> nonCrossable(t, seen))
                    .flatMap(Optional::stream).findFirst();
        }
        return Optional.empty();
    }

    // Breadth first from the type itself, as the annotation processor does, so both give the same reason.
    private static Optional<String> nearestNonCrossable(Class<?> type) {
        java.util.ArrayDeque<Class<?>> queue = new java.util.ArrayDeque<>(List.of(type));
        Set<Class<?>> visited = new HashSet<>();
        while (!queue.isEmpty()) {
            Class<?> next = queue.removeFirst();
            if (!visited.add(next)) {
                continue;
            }
            String reason = EntrypointRules.NON_CROSSABLE_TYPES.get(next.getName());
            if (reason != null) {
                return Optional.of(reason);
            }
            if (next.getSuperclass() != null) {
                queue.add(next.getSuperclass());
            }
            queue.addAll(Arrays.asList(next.getInterfaces()));
        }
        return Optional.empty();
    }
}
