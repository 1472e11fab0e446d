package io.jworkers.runtime.values;

import static java.lang.invoke.MethodType.methodType;

import io.jworkers.api.ConversionException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Generated copiers for records whose components pass by reference: a method handle that reads
 * the sender's record through its accessors and calls the canonical constructor of the
 * receiver's record class, without going through tokens. Used where it gives exactly what the
 * {@link ValueCopier} (Jackson) would give, and only there: every component of the receiver's
 * record has a component of the same name in the sender's, and each pair is either one and the
 * same final JDK value type (primitives, {@code String}, boxes, {@code java.time}, JDK enums, …:
 * {@link SharedTypes}) or two records that qualify in turn. Anything else (collections, arrays,
 * the workers' enums and classes, a component the sender lacks) goes through Jackson.
 *
 * <p>A copier holds handles on both workers' classes: it lives in the method-handle chain of one
 * caller/target pair and is dropped with it.
 */
public final class RecordCopiers {

    private static final int MAX_NESTING = 8;
    private static final MethodHandle FAILED;

    static {
        try {
            FAILED = MethodHandles.lookup().findStatic(RecordCopiers.class, "failed",
                    methodType(Object.class, String.class, String.class, Throwable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RecordCopiers() {
    }

    /**
     * A copier from one record class to another, when both qualify.
     *
     * @param from the sender's record class
     * @param to the receiver's record class
     * @param path where the value is, for errors, e.g. {@code "arg0"}
     * @return a handle of type {@code (from)to} (null stays null), or empty when Jackson must copy
     */
    public static Optional<MethodHandle> copier(Class<?> from, Class<?> to, String path) {
        MethodHandle copier;
        try {
            copier = copier(from, to, 0);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
        if (copier == null) {
            return Optional.empty();
        }
        // What the canonical constructor throws (a compact constructor's check) is a value that does
        // not fit, as Jackson reports it: a ConversionException, never the receiver's exception type.
        String what = "A value of type " + from.getName() + " does not fit " + to.getName();
        MethodHandle failed = MethodHandles.insertArguments(FAILED, 0, what, path);
        failed = MethodHandles.dropArguments(failed.asType(methodType(to, Throwable.class)), 1, from);
        return Optional.of(MethodHandles.catchException(copier, Throwable.class, failed));
    }

    private static MethodHandle copier(Class<?> from, Class<?> to, int nesting) throws ReflectiveOperationException {
        if (!from.isRecord() || !to.isRecord() || nesting > MAX_NESTING) {
            return null;
        }
        Map<String, RecordComponent> sent = new HashMap<>();
        for (RecordComponent component : from.getRecordComponents()) {
            sent.put(component.getName(), component);
        }
        RecordComponent[] received = to.getRecordComponents();
        Class<?>[] types = Arrays.stream(received).map(RecordComponent::getType).toArray(Class<?>[]::new);
        MethodHandles.Lookup fromLookup = MethodHandles.privateLookupIn(from, MethodHandles.lookup());
        MethodHandles.Lookup toLookup = MethodHandles.privateLookupIn(to, MethodHandles.lookup());
        MethodHandle[] reads = new MethodHandle[received.length];
        for (int i = 0; i < received.length; i++) {
            RecordComponent source = sent.get(received[i].getName());
            if (source == null) {
                return null;
            }
            Class<?> sourceType = source.getType();
            Class<?> targetType = types[i];
            MethodHandle read = fromLookup.unreflect(source.getAccessor());
            if (sourceType == targetType && shared(targetType)) {
                reads[i] = read;
            } else {
                MethodHandle nested = copier(sourceType, targetType, nesting + 1);
                if (nested == null) {
                    return null;
                }
                reads[i] = MethodHandles.filterReturnValue(read, nested);
            }
        }
        MethodHandle constructor = toLookup.findConstructor(to, methodType(void.class, types));
        MethodHandle copy;
        if (received.length == 0) {
            copy = MethodHandles.dropArguments(constructor, 0, from);
        } else {
            // (from, from, …) -> to, then one argument used for every component.
            copy = MethodHandles.permuteArguments(MethodHandles.filterArguments(constructor, 0, reads),
                    methodType(to, from), new int[received.length]);
        }
        // null stays null, as Jackson copies it.
        return MethodHandles.guardWithTest(IS_NULL.asType(methodType(boolean.class, from)),
                MethodHandles.dropArguments(MethodHandles.zero(to), 0, from), copy);
    }

    private static final MethodHandle IS_NULL;

    static {
        try {
            IS_NULL = MethodHandles.lookup().findStatic(java.util.Objects.class, "isNull",
                    methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Passes by reference, and no subclass of it can carry a worker's class or mutable state.
    private static boolean shared(Class<?> type) {
        return type.isPrimitive()
                || SharedTypes.byReference(type) && (Modifier.isFinal(type.getModifiers()) || type.isEnum());
    }

    private static Object failed(String message, String path, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        throw new ConversionException(message + ": " + reason, path);
    }
}
