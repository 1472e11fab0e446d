package io.jworkers.runtime.contracts;

import com.fasterxml.jackson.databind.JavaType;
import io.jworkers.api.Headers;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.runtime.contracts.ValueShape.ScalarKind;
import io.jworkers.runtime.values.SharedTypes;
import io.jworkers.runtime.values.ValueCopier;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Makes {@link ValueShape}s of declared types, reading classes the way the
 * {@link ValueCopier}'s Jackson does: generic types resolved by Jackson's type factory, bean and
 * record properties as Jackson finds them (the sender's written properties, the receiver's read
 * ones). Nothing of a worker runs: enum constants are read from the class's fields, not by
 * initialising it.
 *
 * <p>One instance per check: its copier and caches hold both workers' classes.
 */
final class ValueShapes {

    private static final Set<String> API_VALUES = Set.of(Request.class.getName(), Response.class.getName(),
            Headers.class.getName());

    private final ValueCopier copier = ValueCopier.create();
    private final Map<JavaType, ValueShape> written = new HashMap<>();
    private final Map<JavaType, ValueShape> read = new HashMap<>();

    /**
     * The shape a sender's value of this declared type is written as.
     *
     * @param declared a parameter type of the caller's contract, or a return type of the target
     * @return the shape
     */
    ValueShape written(Type declared) {
        return shape(copier.typeOf(declared), false);
    }

    /**
     * The shape a receiver's declared type reads.
     *
     * @param declared a parameter type of the target, or a return type of the caller's contract
     * @return the shape
     */
    ValueShape read(Type declared) {
        return shape(copier.typeOf(declared), true);
    }

    private ValueShape shape(JavaType type, boolean reading) {
        Map<JavaType, ValueShape> cache = reading ? read : written;
        ValueShape known = cache.get(type);
        if (known != null) {
            return known;
        }
        ValueShape shape;
        try {
            shape = classify(type, reading);
        } catch (RuntimeException | LinkageError e) {
            // A class whose members name a class missing from the bundle, say: the call would
            // fail too, but not for a reason of shape; say nothing rather than guess.
            shape = new ValueShape.Any(type.getRawClass().getTypeName());
        }
        cache.put(type, shape);
        return shape;
    }

    private ValueShape classify(JavaType type, boolean reading) {
        Class<?> raw = type.getRawClass();
        String name = type.getRawClass().getTypeName();
        if (raw == void.class || raw == Void.class) {
            return new ValueShape.Nothing();
        }
        if (raw == Object.class) {
            return new ValueShape.Any(name);
        }
        ScalarKind scalar = scalarKind(raw);
        if (scalar != null) {
            return new ValueShape.Scalar(scalar, raw == String.class ? "string" : raw.getSimpleName(), raw.isPrimitive());
        }
        if (raw == byte[].class) {
            return new ValueShape.Binary();
        }
        if (type.isArrayType() || type.isCollectionLikeType()) {
            return new ValueShape.ListShape(shape(type.getContentType(), reading));
        }
        if (type.isMapLikeType()) {
            return new ValueShape.MapShape(shape(type.getContentType(), reading));
        }
        if (API_VALUES.contains(raw.getName())) {
            return new ValueShape.ApiValue(raw.getName());
        }
        if (raw.isEnum()) {
            return new ValueShape.EnumShape(raw.getName(), Arrays.stream(raw.getDeclaredFields())
                    .filter(Field::isEnumConstant).map(Field::getName).toList());
        }
        if (isJdk(raw)) {
            return SharedTypes.byReference(raw) ? new ValueShape.JdkValue(raw.getName()) : new ValueShape.Any(name);
        }
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || raw.isPrimitive()) {
            // Jackson cannot make one without type information the workers' classes cannot carry;
            // whatever fails there fails for reasons no shape describes.
            return new ValueShape.Any(name);
        }
        return new ValueShape.ObjectShape(raw.getName(), memo(() -> properties(type, reading)), reading && fromScalar(raw));
    }

    private Map<String, ValueShape> properties(JavaType type, boolean reading) {
        Map<String, ValueShape> properties = new LinkedHashMap<>();
        try {
            copier.properties(type, reading).forEach((name, propertyType) -> properties.put(name, shape(propertyType, reading)));
        } catch (RuntimeException | LinkageError e) {
            return Map.of(); // as in classify: no guess
        }
        return Collections.unmodifiableMap(properties);
    }

    private static ScalarKind scalarKind(Class<?> raw) {
        if (raw == String.class || raw == char.class || raw == Character.class || raw == CharSequence.class) {
            return ScalarKind.STRING;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return ScalarKind.BOOLEAN;
        }
        if (raw == byte.class || raw == short.class || raw == int.class || raw == long.class || raw == Byte.class
                || raw == Short.class || raw == Integer.class || raw == Long.class || raw == BigInteger.class) {
            return ScalarKind.INTEGER;
        }
        if (raw == float.class || raw == double.class || raw == Float.class || raw == Double.class
                || raw == BigDecimal.class || raw == Number.class) {
            return ScalarKind.DECIMAL;
        }
        return null;
    }

    /**
     * Whether Jackson can make the class from one string or number: a one-argument constructor
     * other than a record's canonical one, or a static one-argument method returning the class
     * ({@code valueOf}, {@code fromString}, …), whatever their visibility.
     */
    private static boolean fromScalar(Class<?> type) {
        Class<?>[] canonical = type.isRecord()
                ? Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new)
                : null;
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (constructor.getParameterCount() == 1 && !Arrays.equals(constructor.getParameterTypes(), canonical)) {
                return true;
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) && method.getParameterCount() == 1 && method.getReturnType() == type) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    private static <T> java.util.function.Supplier<T> memo(java.util.function.Supplier<T> compute) {
        return new java.util.function.Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = compute.get();
                }
                return value;
            }
        };
    }
}
