package io.jworkers.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a config file's parsed tree into the {@link RawConfig} records, as Jackson's databind was
 * configured to ({@link Mappers}): no coercion between strings, numbers and booleans, whole
 * numbers only where a number is due, unknown fields refused, {@code null} read as absent (a
 * {@link JsonNode} field keeps it as a null node), and the first problem in the file's order
 * reported with its path.
 *
 * <p>Why not databind's own record binding: it is the largest piece of a host's start-up in
 * jworkers' own code. Binding the three example configs built Jackson's record deserializers
 * (introspection, creators, annotations) in a cold JVM, about 300 ms of CPU against 65 ms to read
 * the same files as trees (docs/PERFORMANCE.md §9); the records here have five kinds of field.
 * Jackson still parses the text: comments, trailing commas, duplicate keys and syntax errors are
 * its parser's. The records are made by {@link RawConfig#make}, a plain constructor call.
 */
final class TreeBinder {

    /** A record's field names as written in config files and their types, in declaration order. */
    private record Shape(List<String> names, Type[] types) {
    }

    // Found once per record: reading a record's components and annotations is slow in a cold JVM.
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Type[] types = new Type[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getGenericType();
            }
            return new Shape(BindingErrors.fieldNames(type), types);
        }
    };

    private final ConfigSource source;

    private TreeBinder(ConfigSource source) {
        this.source = source;
    }

    /**
     * Binds a top-level object.
     *
     * @param tree the file's top-level object
     * @throws ConfigException for the first value of the wrong kind or unknown field, in the file's order
     */
    static <T extends Record> T bind(ConfigSource source, JsonNode tree, Class<T> type) {
        return type.cast(new TreeBinder(source).record(tree, type, FieldPath.ROOT));
    }

    private Object value(JsonNode node, Type type, FieldPath path) {
        if (type == JsonNode.class) {
            return node;
        }
        if (node.isNull()) {
            return null;
        }
        Class<?> raw = rawClass(type);
        if (raw == String.class) {
            if (!node.isTextual()) {
                throw mismatch(path, String.class);
            }
            return node.textValue();
        }
        if (raw == Long.class) {
            return whole(node, path);
        }
        if (raw == List.class) {
            if (!node.isArray()) {
                throw mismatch(path, List.class);
            }
            Type element = typeArgument(type, 0);
            List<Object> list = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                list.add(value(node.get(i), element, path.index(i)));
            }
            return Collections.unmodifiableList(list);
        }
        if (raw == Map.class) {
            if (!node.isObject()) {
                throw mismatch(path, Map.class);
            }
            Type valueType = typeArgument(type, 1);
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                map.put(field.getKey(), value(field.getValue(), valueType, path.field(field.getKey())));
            }
            return Collections.unmodifiableMap(map);
        }
        if (raw.isRecord()) {
            return record(node, raw, path);
        }
        throw new IllegalStateException("no binding for " + type + " at " + path);
    }

    private Object record(JsonNode node, Class<?> type, FieldPath path) {
        if (!node.isObject()) {
            throw mismatch(path, type);
        }
        Shape shape = SHAPES.get(type);
        Object[] values = new Object[shape.types().length];
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            int at = shape.names().indexOf(field.getKey());
            FieldPath fieldPath = path.field(field.getKey());
            if (at < 0) {
                throw BindingErrors.unknownField(source.where(fieldPath, true, null), fieldPath, type);
            }
            values[at] = value(field.getValue(), shape.types()[at], fieldPath);
        }
        return RawConfig.make(type, values);
    }

    private Long whole(JsonNode node, FieldPath path) {
        if (!node.isIntegralNumber()) {
            throw mismatch(path, Long.class);
        }
        if (!node.canConvertToLong()) {
            // In the words of Jackson's parser, which read it so when it bound the records.
            throw new ConfigException(source.where(path) + ": field \"" + path + "\": Numeric value ("
                    + node.bigIntegerValue() + ") out of range of long (" + Long.MIN_VALUE + " - " + Long.MAX_VALUE + ")");
        }
        return node.longValue();
    }

    private ConfigException mismatch(FieldPath path, Class<?> target) {
        return new ConfigException(source.where(path) + ": field \"" + path + "\": expected "
                + BindingErrors.expected(path, target));
    }

    private static Class<?> rawClass(Type type) {
        return type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
    }

    private static Type typeArgument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
}
