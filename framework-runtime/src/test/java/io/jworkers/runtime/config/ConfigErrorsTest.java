package io.jworkers.runtime.config;

import static io.jworkers.runtime.config.ConfigFiles.mkdirs;
import static io.jworkers.runtime.config.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets one exact message: the file, where in it, what is wrong, what to do. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConfigErrorsTest {

    static final String TOP_LEVEL_FIELDS = "$schema, name, main, classpath, routes, services, vars, secrets, limits, build, env";

    @TempDir
    Path dir;

    @BeforeEach
    void build_output() {
        mkdirs(dir, "target/classes");
    }

    /** Writes {@code content} as {@code fileName}, loads it, and asserts the whole message after the file's path. */
    private void assertError(String fileName, String content, String afterFile) {
        Path file = write(dir, fileName, content);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, null));
        assertEquals(file + afterFile, e.getMessage());
    }

    private void assertJsoncError(String content, String afterFile) {
        assertError("worker.jsonc", content, afterFile);
    }

    @Test
    void a_syntax_error_gives_line_and_column_and_jacksons_short_message() {
        assertJsoncError("""
                {
                  "name": "auth"
                  "routes": []
                }
                """, ":3:3: Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries");
    }

    @Test
    void a_toml_syntax_error_gives_line_and_column() {
        assertError("worker.toml", """
                name = "auth"
                routes = [
                """, ":3:1: Premature end of file");
    }

    @Test
    void a_missing_name_says_why_a_name_is_needed() {
        assertJsoncError("{ \"routes\": [] }", ": field \"name\" is missing: every worker needs a name,"
                + " which other workers' service bindings use to call it, e.g. \"name\": \"auth\"");
    }

    @Test
    void an_invalid_name_explains_the_rule() {
        assertJsoncError("{ \"name\": \"My Worker\" }", ":1:11: field \"name\": \"My Worker\" is not a valid"
                + " worker name; use lowercase letters, digits, '-' and '_', starting with a letter or digit,"
                + " at most 63 characters, e.g. \"auth-service\"");
    }

    @Test
    void a_name_longer_than_63_characters_is_invalid() {
        String name = "a".repeat(64);
        assertJsoncError("{\"name\": \"" + name + "\"}", ":1:10: field \"name\": \"" + name + "\" is not a valid"
                + " worker name; use lowercase letters, digits, '-' and '_', starting with a letter or digit,"
                + " at most 63 characters, e.g. \"auth-service\"");
    }

    @Test
    void a_service_entry_without_service_points_at_the_entry() {
        assertJsoncError("""
                {
                  "name": "gateway",
                  "services": [
                    { "binding": "AUTH" }
                  ]
                }
                """, ":4:5: field \"services[0].service\" is missing: every service binding names the worker it calls");
    }

    @Test
    void a_wrong_type_gives_line_column_path_and_the_expected_type() {
        assertJsoncError("""
                {
                  "name": "gateway",
                  "routes": "/x"
                }
                """, ":3:13: field \"routes\": expected a list of strings");
    }

    @Test
    void a_number_where_a_string_belongs_is_not_silently_converted() {
        assertJsoncError("{ \"name\": 7 }", ":1:11: field \"name\": expected a string");
    }

    @Test
    void a_wrong_type_deep_inside_gives_the_full_path() {
        assertJsoncError("""
                {
                  "name": "gateway",
                  "services": [
                    { "binding": "AUTH", "service": "auth" },
                    { "binding": 5, "service": "auth" }
                  ]
                }
                """, ":5:18: field \"services[1].binding\": expected a string");
    }

    @Test
    void a_wrong_type_in_an_environment_block_names_the_environment() {
        assertJsoncError("""
                {
                  "name": "gateway",
                  "env": { "staging": { "routes": ["/a", 7] } }
                }
                """, ":3:42: field \"env.staging.routes[1]\": expected a string");
    }

    @Test
    void a_wrong_type_in_toml_names_the_field_without_a_position() {
        assertError("worker.toml", """
                name = "gateway"
                routes = "/x"
                """, ": field \"routes\": expected a list of strings");
    }

    @Test
    void a_classpath_entry_that_does_not_exist_names_the_absolute_path_and_how_paths_resolve() {
        assertJsoncError("""
                {
                  "name": "auth",
                  "classpath": ["target/classes", "target/lib"]
                }
                """, ":3:35: field \"classpath[1]\": " + dir.resolve("target/lib") + " does not exist"
                + " (relative paths resolve against the config's folder; did you build the worker, e.g. mvn package?)");
    }

    @Test
    void a_missing_default_classpath_folder_says_where_classes_are_looked_up() {
        assertError("sub/worker.jsonc", "{ \"name\": \"auth\" }", ": " + dir.resolve("sub/target/classes")
                + " does not exist: without a \"classpath\" field, a worker's classes are loaded from target/classes"
                + " beside its config; build the worker (e.g. mvn package), or set \"classpath\" to where its classes"
                + " and jars are");
    }

    @Test
    void a_classpath_entry_that_is_neither_folder_nor_jar_is_rejected() {
        write(dir, "notes.txt", "");
        assertJsoncError("{\"name\": \"auth\", \"classpath\": [\"notes.txt\"]}", ":1:32: field \"classpath[0]\": "
                + dir.resolve("notes.txt") + " is neither a folder nor a .jar file; list classes folders, jars,"
                + " or folders of jars");
    }

    @Test
    void an_unknown_top_level_field_lists_the_known_ones_and_suggests_the_closest() {
        assertJsoncError("""
                {
                  "name": "auth",
                  "rotues": ["/*"]
                }
                """, ":3:3: unknown field \"rotues\" (did you mean \"routes\"?); known fields: " + TOP_LEVEL_FIELDS);
    }

    @Test
    void an_unknown_field_in_a_service_entry_names_the_entry() {
        assertJsoncError("""
                {
                  "name": "gateway",
                  "services": [{ "binding": "AUTH", "worker": "auth" }]
                }
                """, ":3:37: unknown field \"worker\" in \"services[0]\"; known fields:"
                + " binding, service, environment, entrypoint, props");
    }

    @Test
    void an_unknown_field_in_limits_lists_the_limits_fields() {
        assertJsoncError("{\"name\": \"a\", \"limits\": {\"timeout\": 5}}",
                ":1:26: unknown field \"timeout\" in \"limits\"; known fields: subrequests, timeout_ms");
    }

    @Test
    void an_unknown_field_in_secrets_suggests_required() {
        assertJsoncError("{\"name\": \"a\", \"secrets\": {\"requird\": []}}",
                ":1:27: unknown field \"requird\" in \"secrets\" (did you mean \"required\"?); known fields: required");
    }

    @Test
    void an_unknown_field_in_an_environment_block_lists_the_overridable_fields() {
        assertJsoncError("{\"name\": \"a\", \"env\": {\"staging\": {\"route\": []}}}",
                ":1:35: unknown field \"route\" in \"env.staging\" (did you mean \"routes\"?); known fields:"
                + " main, classpath, routes, services, vars, secrets, limits, build");
    }

    @Test
    void an_unknown_field_in_toml_lists_the_known_ones_without_a_position() {
        assertError("worker.toml", "name = \"a\"\ncompatibility_date = \"2024-01-01\"\n",
                ": unknown field \"compatibility_date\"; known fields: " + TOP_LEVEL_FIELDS);
    }

    @Test
    void an_environment_cannot_rename_the_worker() {
        assertJsoncError("{\"name\": \"a\", \"env\": {\"staging\": {\"name\": \"b\"}}}",
                ":1:35: field \"env.staging.name\": a worker's name is the same in every environment,"
                + " because other workers' service bindings refer to it; remove this line");
    }

    @Test
    void a_duplicate_binding_names_both_entries() {
        assertJsoncError("""
                {
                  "name": "gateway",
                  "services": [
                    { "binding": "AUTH", "service": "auth" },
                    { "binding": "AUTH", "service": "auth-v2" }
                  ]
                }
                """, ":5:18: field \"services[1].binding\": \"AUTH\" is bound twice, by services[0] and services[1];"
                + " each binding name must be unique within a worker, so rename one of them");
    }

    @Test
    void an_invalid_binding_name_explains_the_rule() {
        assertJsoncError("{\"name\": \"a\", \"services\": [{\"binding\": \"my-auth\", \"service\": \"auth\"}]}",
                ":1:40: field \"services[0].binding\": \"my-auth\" is not a valid binding name;"
                + " use letters, digits and '_', not starting with a digit, e.g. \"AUTH\"");
    }

    @Test
    void a_route_without_a_leading_slash_suggests_the_fix() {
        assertJsoncError("""
                {
                  "name": "gateway",
                  "routes": ["/ok", "api/*"]
                }
                """, ":3:21: field \"routes[1]\": \"api/*\" must start with \"/\"; did you mean \"/api/*\"?");
    }

    @Test
    void a_star_before_the_end_of_a_route_is_rejected() {
        assertJsoncError("{\"name\": \"a\", \"routes\": [\"/a*/b\"]}", ":1:26: field \"routes[0]\":"
                + " \"/a*/b\" may contain \"*\" only as its last character (a prefix match such as \"/api/*\")");
    }

    @Test
    void subrequests_out_of_range_give_the_range_and_default() {
        assertJsoncError("{\"name\": \"a\", \"limits\": {\"subrequests\": 0}}", ":1:41: field \"limits.subrequests\":"
                + " 0 is out of range; use a number from 1 to 1000000 (the default is 1000)");
    }

    @Test
    void a_timeout_out_of_range_gives_the_range_and_default() {
        assertJsoncError("{\"name\": \"a\", \"limits\": {\"timeout_ms\": 3600001}}", ":1:40: field \"limits.timeout_ms\":"
                + " 3600001 is out of range; use milliseconds from 1 to 3600000 (one hour; the default is 30000)");
    }

    @Test
    void a_limit_given_as_a_string_is_a_type_error() {
        assertJsoncError("{\"name\": \"a\", \"limits\": {\"timeout_ms\": \"5s\"}}",
                ":1:40: field \"limits.timeout_ms\": expected a whole number");
    }

    @Test
    void a_limit_too_large_for_any_whole_number_is_named_with_its_field() {
        assertJsoncError("{\"name\": \"a\", \"limits\": {\"subrequests\": 99999999999999999999}}",
                ":1:41: field \"limits.subrequests\": Numeric value (99999999999999999999) out of range of long"
                        + " (-9223372036854775808 - 9223372036854775807)");
    }

    @Test
    void a_syntax_error_inside_a_list_or_object_names_the_field_it_is_in() {
        assertJsoncError("{\"name\": \"a\", \"limits\": {\"subrequests\": 1 \"timeout_ms\": 2}}",
                ":1:43: field \"limits\": Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries");
        assertJsoncError("{\"name\": \"a\", \"services\": [{\"binding\": \"A\" \"service\": \"b\"}]}",
                ":1:44: field \"services[0]\": Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries");
    }

    @Test
    void the_first_problem_in_the_files_order_is_the_one_reported() {
        assertJsoncError("{\"name\": \"a\", \"routes\": [7], \"rotues\": []}", ":1:26: field \"routes[0]\": expected a string");
        assertJsoncError("{\"name\": \"a\", \"rotues\": [], \"routes\": [7]}",
                ":1:15: unknown field \"rotues\" (did you mean \"routes\"?); known fields: " + TOP_LEVEL_FIELDS);
    }

    @Test
    void a_fractional_limit_is_not_truncated() {
        assertJsoncError("{\"name\": \"a\", \"limits\": {\"subrequests\": 1.5}}",
                ":1:41: field \"limits.subrequests\": expected a whole number");
    }

    @Test
    void props_must_be_an_object() {
        assertJsoncError("{\"name\": \"a\", \"services\": [{\"binding\": \"A\", \"service\": \"b\", \"props\": [1]}]}",
                ":1:70: field \"services[0].props\": expected an object, like { \"tenant\": \"t1\" }");
    }

    @Test
    void a_null_var_is_rejected() {
        assertJsoncError("{\"name\": \"a\", \"vars\": {\"X\": null}}", ":1:29: field \"vars.X\": null is not a value;"
                + " use a string, number, boolean, object or list, or remove the var");
    }

    @Test
    void a_main_that_is_not_a_class_name_is_rejected() {
        assertJsoncError("{\"name\": \"a\", \"main\": \"src/Main.java\"}", ":1:23: field \"main\":"
                + " \"src/Main.java\" is not a class name; expected a Java class's binary name,"
                + " e.g. \"com.example.MyWorker\" or \"com.example.Outer$Inner\"");
    }

    @Test
    void a_repeated_field_is_an_error() {
        assertJsoncError("{\"name\": \"a\",\n \"name\": \"b\"}", ":2:8: Duplicate field 'name'");
    }

    @Test
    void an_empty_jsonc_file_says_what_a_minimal_config_contains() {
        assertJsoncError("  // nothing yet\n", ": the file is empty (nothing but whitespace or comments);"
                + " a worker config needs at least a name, e.g. { \"name\": \"my-worker\" }");
    }

    @Test
    void an_empty_toml_file_says_what_a_minimal_config_contains() {
        assertError("worker.toml", "# nothing yet\n", ": the file is empty (nothing but whitespace or comments);"
                + " a worker config needs at least a name, e.g. name = \"my-worker\"");
    }

    @Test
    void a_top_level_that_is_not_an_object_is_rejected() {
        assertJsoncError("\n[\"name\"]", ":2:1: the top level must be an object, { ... };"
                + " a worker config needs at least a name, e.g. { \"name\": \"my-worker\" }");
    }

    @Test
    void content_after_the_top_level_object_is_rejected() {
        assertJsoncError("{\"name\": \"a\"}\n{}", ":2:1: unexpected content after the closing } of the top-level object");
    }

    @Test
    void a_missing_file_is_reported_with_its_absolute_path() {
        Path missing = dir.resolve("nope/worker.jsonc");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, null));
        assertEquals(missing + ": no such file; expected a worker config file (worker.jsonc or worker.toml)", e.getMessage());
    }

    @Test
    void a_folder_instead_of_a_file_is_reported() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, null));
        assertEquals(dir + ": is a folder; expected a worker config file (worker.jsonc or worker.toml)", e.getMessage());
    }

    @Test
    void an_unsupported_extension_names_the_supported_ones() {
        assertError("wrangler.yaml", "name: auth\n", ": unsupported config file type; use a .jsonc file"
                + " (JSON with comments, like worker.jsonc) or a .toml file (like worker.toml)");
    }

    @Test
    void an_invalid_environment_block_fails_even_when_another_one_is_selected() {
        Path file = write(dir, "worker.jsonc", """
                { "name": "a", "env": { "staging": {}, "production": { "routes": ["api"] } } }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, "staging"));
        assertEquals(file + ":1:67: field \"env.production.routes[0]\": \"api\" must start with \"/\";"
                + " did you mean \"/api\"?", e.getMessage());
    }
}
