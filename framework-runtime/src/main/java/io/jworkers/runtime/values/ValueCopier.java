package io.jworkers.runtime.values;

import com.fasterxml.jackson.databind.JavaType;
import io.jworkers.api.ConversionException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * Copies values across a worker boundary, like structured clone: the value is written as tokens
 * from the sender's classes and read back into the receiver's declared type, so the receiver
 * gets ordinary mutable objects of its own classes (a {@code List} arrives as an
 * {@code ArrayList}) and no object is shared. Values of {@link SharedTypes} pass by reference.
 *
 * <p>One copier serves one caller/target pair; its Jackson caches ({@link TokenCopies}, made on the
 * first value that needs tokens) hold classes of both workers, so it must be dropped with them
 * (never shared host-wide, which would pin old loaders).
 */
public final class ValueCopier {

    /** Cloudflare's limit for an RPC payload. */
    public static final long MAX_COPY_BYTES = 32L * 1024 * 1024;

    private final long limit;
    // Made on first use: a link whose values all pass by reference or through RecordCopiers never
    // needs tokens, and the first mapper of a JVM costs time and ~360 classes (docs/PERFORMANCE.md,
    // §9 "A sixth run").
    private volatile TokenCopies tokens;

    private ValueCopier(long limit) {
        this.limit = limit;
    }

    private TokenCopies tokens() {
        TokenCopies made = tokens;
        if (made == null) {
            synchronized (this) {
                made = tokens;
                if (made == null) {
                    tokens = made = new TokenCopies(limit);
                }
            }
        }
        return made;
    }

    /**
     * A copier with the default 32 MiB limit.
     *
     * @return a new copier
     */
    public static ValueCopier create() {
        return new ValueCopier(MAX_COPY_BYTES);
    }

    /**
     * A copier with another limit, for tests.
     *
     * @param limit the largest copy, in (estimated) bytes
     * @return a new copier
     */
    public static ValueCopier withLimit(long limit) {
        return new ValueCopier(limit);
    }

    /**
     * The receiver's type for a declared parameter or return type.
     *
     * @param declared a generic type from the receiver's classes
     * @return the type to copy into
     */
    public JavaType typeOf(Type declared) {
        return tokens().typeOf(declared);
    }

    /**
     * The properties of a class as this copier's Jackson sees them: those it writes from a
     * sender's value, or those it reads into a receiver's, with their declared types. For the
     * deploy-time contract check, which must predict what {@link #copy} does.
     *
     * @param type a bean or record type
     * @param reading {@code true} for the receiver's side, {@code false} for the sender's
     * @return property names and types, in Jackson's order
     */
    public Map<String, JavaType> properties(JavaType type, boolean reading) {
        return tokens().properties(type, reading);
    }

    /**
     * Copies a value into a type of the receiver.
     *
     * @param value the sender's value, possibly {@code null}
     * @param target the receiver's declared type
     * @param path where the value is, for errors, e.g. {@code "arg0"}
     * @return the value itself when it may be shared, else a copy of the receiver's type
     * @throws ConversionException if the value cannot cross or does not fit the type
     */
    public Object copy(Object value, JavaType target, String path) {
        Class<?> raw = target.getRawClass();
        if (value == null || passesAsIs(value, raw, path)) {
            return nullOrShared(value, raw, path);
        }
        return tokens().copy(value, value.getClass(), target, path);
    }

    /**
     * Copies a value into a declared type of the receiver, as {@link #copy(Object, JavaType,
     * String)} does, making the type's description only for a value that needs tokens.
     *
     * @param value the sender's value, possibly {@code null}
     * @param declared the receiver's declared (generic) type
     * @param path where the value is, for errors, e.g. {@code "arg0"}
     * @return the value itself when it may be shared, else a copy of the receiver's type
     * @throws ConversionException if the value cannot cross or does not fit the type
     */
    public Object copy(Object value, Type declared, String path) {
        if (declared instanceof Class<?> raw && (value == null || passesAsIs(value, raw, path))) {
            return nullOrShared(value, raw, path);
        }
        return copy(value, typeOf(declared), path);
    }

    // A shared value of the receiver's type (or a box of its primitive) needs no copy; code never crosses.
    private static boolean passesAsIs(Object value, Class<?> raw, String path) {
        Class<?> type = value.getClass();
        if (SharedTypes.byReference(type) && (raw.isAssignableFrom(type)
                || raw.isPrimitive() && MethodType.methodType(raw).wrap().returnType() == type)) {
            return true;
        }
        if (type.isHidden() || type.isSynthetic()) {
            throw new ConversionException(type.getName() + TokenCopies.REFUSED + " (a lambda or function is code, not a value)",
                    path);
        }
        return false;
    }

    private static Object nullOrShared(Object value, Class<?> raw, String path) {
        if (value == null && raw.isPrimitive()) {
            throw new ConversionException("null cannot be passed as " + raw.getName(), path);
        }
        return value;
    }
}
