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
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * The token side of a {@link ValueCopier}: one Jackson mapper, which writes a sender's value as
 * tokens and reads them into the receiver's type, and answers what the deploy-time contract check
 * asks about properties. Its own class so that a copier whose values never need tokens does not
 * load databind, not even to verify its own bytecode.
 */
final class TokenCopies {

    static final String REFUSED = " cannot cross a worker boundary";
    private static final String CYCLIC = "it refers back to itself (a cyclic graph); copy a tree of values instead";

    private final ObjectMapper mapper = newMapper();
    private final long limit;

    TokenCopies(long limit) {
        this.limit = limit;
    }

    JavaType typeOf(Type declared) {
        return mapper.getTypeFactory().constructType(declared);
    }

    Map<String, JavaType> properties(JavaType type, boolean reading) {
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

    // A value that is neither null, shared nor code: written as tokens and read back.
    Object copy(Object value, Class<?> type, JavaType target, String path) {
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

    private static ObjectMapper newMapper() {
        SimpleModule refusals = new SimpleModule("jworkers-refusals");
        for (Map.Entry<String, String> entry : EntrypointRules.NON_CROSSABLE_TYPES.entrySet()) {
            refuse(refusals, entry.getKey(), entry.getValue());
        }
        return JsonMapper.builder()
                .typeFactory(TypeFactory.defaultInstance().withCache(new LRUMap<>(16, 256)))
                .addModule(new JavaTimeModule())
                .addModule(refusals)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.FAIL_ON_SELF_REFERENCES)
                .build();
    }

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
