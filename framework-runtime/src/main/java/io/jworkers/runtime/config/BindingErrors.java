package io.jworkers.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The config messages of values of the wrong kind, unknown fields and parse failures.
 *
 * <p>People editing a config need the field they got wrong and what it should look like instead,
 * not the Java types it binds into ({@code Cannot deserialize value of type java.util.ArrayList})
 * nor a dump of the source.
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

    /**
     * A parse failure of Jackson's: a syntax error, a repeated key, bytes that are not JSON.
     * getOriginalMessage() leaves out Jackson's "[Source: ...]" dump.
     */
    static ConfigException translate(ConfigSource source, JsonProcessingException e) {
        return translate(source, e, FieldPath.ROOT);
    }

    /**
     * A parse failure inside a list or object, named as the field it was reading.
     *
     * @param in the list or object the parser was in ({@link FieldPath#containerOf})
     */
    static ConfigException translate(ConfigSource source, JsonProcessingException e, FieldPath in) {
        return new ConfigException(source.where(e.getLocation()) + ": " + (in.isRoot() ? "" : "field \"" + in + "\": ")
                + e.getOriginalMessage(), e);
    }

    /**
     * A field the object at its parent path does not have.
     *
     * @param where the field name's {@code file:line:col}
     * @param path the field
     * @param type the record the object binds into
     */
    static ConfigException unknownField(String where, FieldPath path, Class<?> type) {
        String name = path.lastField();
        if (type == RawConfig.Env.class && "name".equals(name)) {
            return new ConfigException(where + ": field \"" + path + "\": a worker's name is the same in every"
                    + " environment, because other workers' service bindings refer to it; remove this line");
        }
        List<String> known = fieldNames(type);
        String in = path.parent().isRoot() ? "" : " in \"" + path.parent() + "\"";
        return new ConfigException(where + ": unknown field \"" + name + "\"" + in + Spelling.hint(name, known)
                + "; known fields: " + String.join(", ", known));
    }

    /** A record's field names as written in config files, in declaration order (the order the docs use). */
    static List<String> fieldNames(Class<?> record) {
        List<String> names = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            names.add(RawConfig.RENAMED.getOrDefault(component.getName(), component.getName()));
        }
        return names;
    }

    /** What the value at {@code path} must be, for "expected ...". */
    static String expected(FieldPath path, Class<?> targetType) {
        String known = EXPECTED.get(path.shape());
        if (known != null) {
            return known;
        }
        if (targetType == String.class) {
            return "a string";
        }
        if (targetType == Long.class) {
            return "a whole number";
        }
        if (targetType == List.class) {
            return "a list";
        }
        return "an object";
    }
}
