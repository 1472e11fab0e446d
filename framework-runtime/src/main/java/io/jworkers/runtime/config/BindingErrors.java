package io.jworkers.runtime.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns Jackson's parse and bind failures into config messages.
 *
 * <p>Jackson's own messages talk about Java types ({@code Cannot deserialize value of type
 * java.util.ArrayList}) and append a source dump; people editing a config need the field they
 * got wrong and what it should look like instead.
 */
final class BindingErrors {

    private static final String BINDING_EXAMPLE = "{ \"binding\": \"AUTH\", \"service\": \"auth\" }";

    /** What each field must be, by {@link FieldPath#shape()}: written for people, not derived from Java types. */
    private static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("name", "a string"),
            Map.entry("main", "a string (a Java class name)"),
            Map.entry("classpath", "a list of strings"),
            Map.entry("classpath[]", "a string"),
            Map.entry("routes", "a list of strings"),
            Map.entry("routes[]", "a string"),
            Map.entry("services", "a list of objects like " + BINDING_EXAMPLE),
            Map.entry("services[]", "an object like " + BINDING_EXAMPLE),
            Map.entry("services[].binding", "a string"),
            Map.entry("services[].service", "a string"),
            Map.entry("services[].environment", "a string"),
            Map.entry("services[].entrypoint", "a string"),
            Map.entry("vars", "an object of names to values, like { \"GREETING\": \"hello\" }"),
            Map.entry("secrets", "an object like { \"required\": [\"API_KEY\"] }"),
            Map.entry("secrets.required", "a list of strings"),
            Map.entry("secrets.required[]", "a string"),
            Map.entry("limits", "an object like { \"subrequests\": 1000, \"timeout_ms\": 30000 }"),
            Map.entry("limits.subrequests", "a whole number"),
            Map.entry("limits.timeout_ms", "a whole number"),
            Map.entry("build", "an object like { \"command\": \"./mvnw -q compile\", \"watch_dir\": \"src\" }"),
            Map.entry("build.command", "a string (a shell command)"),
            Map.entry("build.cwd", "a string (a folder)"),
            Map.entry("env", "an object of environment names to objects, like { \"staging\": { ... } }"),
            Map.entry("env.*", "an object"),
            Map.entry("dev", "a list of strings"),
            Map.entry("dev[]", "a string"));

    private BindingErrors() {
    }

    static ConfigException translate(ConfigSource source, JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownField(source.where(FieldPath.of(unknown), true, e.getLocation()), unknown);
        }
        if (e instanceof JsonMappingException mapping && !FieldPath.of(mapping).isRoot()) {
            FieldPath path = FieldPath.of(mapping);
            String where = source.where(path, false, e.getLocation());
            if (e instanceof MismatchedInputException mismatch) {
                return new ConfigException(where + ": field \"" + path + "\": expected "
                        + expected(path, mismatch.getTargetType()), e);
            }
            // e.g. a number too large for its type; Jackson's own words are clear enough here.
            return new ConfigException(where + ": field \"" + path + "\": " + e.getOriginalMessage(), e);
        }
        // Syntax errors; getOriginalMessage() leaves out Jackson's "[Source: ...]" dump.
        return new ConfigException(source.where(e.getLocation()) + ": " + e.getOriginalMessage(), e);
    }

    private static ConfigException unknownField(String where, UnrecognizedPropertyException e) {
        FieldPath path = FieldPath.of(e);
        String name = e.getPropertyName();
        if (e.getReferringClass() == RawConfig.Env.class && "name".equals(name)) {
            return new ConfigException(where + ": field \"" + path + "\": a worker's name is the same in every"
                    + " environment, because other workers' service bindings refer to it; remove this line", e);
        }
        List<String> known = knownFields(e.getReferringClass(), e.getKnownPropertyIds());
        String in = path.parent().isRoot() ? "" : " in \"" + path.parent() + "\"";
        return new ConfigException(where + ": unknown field \"" + name + "\"" + in + Spelling.hint(name, known)
                + "; known fields: " + String.join(", ", known), e);
    }

    /** Field names in declaration order, which is the order the docs and examples use. */
    private static List<String> knownFields(Class<?> type, Collection<Object> fallback) {
        List<String> names = new ArrayList<>();
        if (type != null && type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                JsonProperty renamed = annotation(type, component.getName());
                names.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName());
            }
            return names;
        }
        if (fallback != null) {
            fallback.forEach(id -> names.add(String.valueOf(id)));
        }
        return names;
    }

    private static JsonProperty annotation(Class<?> record, String component) {
        try {
            // @JsonProperty cannot target record components, so Java puts it on the field.
            return record.getDeclaredField(component).getAnnotation(JsonProperty.class);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static String expected(FieldPath path, Class<?> targetType) {
        String known = EXPECTED.get(path.shape());
        if (known != null) {
            return known;
        }
        if (targetType == null) {
            return "a different kind of value";
        }
        if (targetType == String.class) {
            return "a string";
        }
        if (targetType == Long.class || targetType == Integer.class || targetType == long.class || targetType == int.class) {
            return "a whole number";
        }
        if (Collection.class.isAssignableFrom(targetType)) {
            return "a list";
        }
        if (JsonNode.class.isAssignableFrom(targetType)) {
            return "a JSON value";
        }
        return "an object";
    }
}
