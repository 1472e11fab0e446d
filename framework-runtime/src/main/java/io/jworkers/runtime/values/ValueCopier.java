package io.jworkers.runtime.values;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jworkers.api.ConversionException;
import io.jworkers.bridge.EntrypointRules;
import java.io.IOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * Copies values across a worker boundary, like structured clone: the value is written as tokens
 * from the sender's classes and read back into the receiver's declared type, so the receiver
 * gets ordinary mutable objects of its own classes (a {@code List} arrives as an
 * {@code ArrayList}) and no object is shared. Values of {@link SharedTypes} pass by reference.
 *
 * <p>One copier serves one caller/target pair; its Jackson caches hold classes of both workers,
 * so it must be dropped with them (never shared host-wide, which would pin old loaders).
 */
public final class ValueCopier {

    /** Cloudflare's limit for an RPC payload. */
    public static final long MAX_COPY_BYTES = 32L * 1024 * 1024;

    private final ObjectMapper mapper;
    private final long limit;

    private ValueCopier(long limit) {
        this.limit = limit;
        SimpleModule refusals = new SimpleModule("jworkers-refusals");
        for (Map.Entry<String, String> entry : EntrypointRules.NON_CROSSABLE_TYPES.entrySet()) {
            refuse(refusals, entry.getKey(), entry.getValue());
        }
        this.mapper = JsonMapper.builder()
                .typeFactory(TypeFactory.defaultInstance().withCache(new LRUMap<>(16, 256)))
                .addModule(new JavaTimeModule())
                .addModule(refusals)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.FAIL_ON_SELF_REFERENCES)
                .build();
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
        return mapper.getTypeFactory().constructType(declared);
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
        Map<String, JavaType> properties = new java.util.LinkedHashMap<>();
        List<BeanPropertyDefinition> definitions = reading
                ? mapper.getDeserializationConfig().introspect(type).findProperties()
                : mapper.getSerializationConfig().introspect(type).findProperties();
        for (BeanPropertyDefinition property : definitions) {
            if (reading ? property.couldDeserialize() : property.couldSerialize()) {
                properties.put(property.getName(), property.getPrimaryType());
            }
        }
        return properties;
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
        if (value == null) {
            if (target.isPrimitive()) {
                throw new ConversionException("null cannot be passed as " + target.getRawClass().getName(), path);
            }
            return null;
        }
        Class<?> type = value.getClass();
        Class<?> raw = target.getRawClass();
        if (SharedTypes.byReference(type) && (raw.isAssignableFrom(type)
                || raw.isPrimitive() && MethodType.methodType(raw).wrap().returnType() == type)) {
            return value;
        }
        if (type.isHidden() || type.isSynthetic()) {
            throw new ConversionException(type.getName() + REFUSED + " (a lambda or function is code, not a value)", path);
        }
        CountingTokenBuffer buffer = new CountingTokenBuffer(mapper, limit);
        try {
            mapper.writeValue(buffer, value);
        } catch (CountingTokenBuffer.CopyTooLargeException e) {
            throw new ConversionException("A value of type " + type.getName() + " cannot cross a worker boundary: "
                    + e.getMessage(), path);
        } catch (JsonMappingException e) {
            throw failure("A value of type " + type.getName() + " cannot cross a worker boundary", e, path);
        } catch (IOException e) {
            throw new ConversionException("A value of type " + type.getName() + " cannot be copied: " + e.getMessage(), path);
        } catch (StackOverflowError e) {
            // Jackson follows collections without a cycle check; find the cycle now that the copy has failed.
            throw new ConversionException("A value of type " + type.getName() + " cannot cross a worker boundary: "
                    + CYCLIC, CycleFinder.pathToCycle(value, path).orElse(path));
        }
        try {
            Object copy = mapper.readValue(buffer.asParser(), target);
            if (copy == null && target.isPrimitive()) {
                throw new ConversionException("null cannot be passed as " + target.getRawClass().getName(), path);
            }
            return copy;
        } catch (JsonMappingException e) {
            throw failure("A value of type " + type.getName() + " does not fit " + target.toCanonical(), e, path);
        } catch (IOException e) {
            throw new ConversionException("A value of type " + type.getName() + " cannot be read as "
                    + target.toCanonical() + ": " + e.getMessage(), path);
        }
    }

    private static final String CYCLIC = "it refers back to itself (a cyclic graph); copy a tree of values instead";

    private static ConversionException failure(String what, JsonMappingException e, String root) {
        StringBuilder path = new StringBuilder(root);
        int depth = 0;
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (++depth > 12) {
                path.append("…");
                break;
            }
            if (reference.getFieldName() != null) {
                path.append('.').append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        String reason = e.getOriginalMessage();
        if (reason != null && reason.contains(REFUSED)) {
            return new ConversionException(reason, path.toString());
        }
        if (reason != null && (reason.contains("Infinite recursion") || reason.startsWith("Direct self-reference"))) {
            reason = CYCLIC;
        }
        return new ConversionException(what + ": " + reason, path.toString());
    }

    private static final String REFUSED = " cannot cross a worker boundary";

    private static void refuse(SimpleModule module, String className, String reason) {
        Class<?> type;
        try {
            type = Class.forName(className, false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException e) {
            return;
        }
        refuseType(module, type, reason);
    }

    private static <T> void refuseType(SimpleModule module, Class<T> type, String reason) {
        module.addSerializer(type, new StdSerializer<T>(type) {
            @Override
            public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
                throw JsonMappingException.from(generator, value.getClass().getName() + REFUSED + " (" + reason + ")");
            }
        });
    }
}
