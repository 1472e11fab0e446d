package io.jworkers.runtime.config;

import static io.jworkers.runtime.config.ConfigFiles.mkdirs;
import static io.jworkers.runtime.config.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code build} field, Wrangler's custom build: its shape, defaults, environments and every bad input. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BuildFieldTest {

    @TempDir
    Path dir;

    @Test
    void command_cwd_and_one_watch_dir_resolve_against_the_config_folder() {
        mkdirs(dir, "tools");
        mkdirs(dir, "src");
        Path file = write(dir, "worker.jsonc", """
                {
                  "name": "auth",
                  // a comment, as in any worker.jsonc
                  "build": { "command": "./mvnw -q compile", "cwd": "tools", "watch_dir": "src" },
                }
                """);
        assertEquals(Optional.of(new BuildConfig("auth", file, "./mvnw -q compile", dir.resolve("tools"), List.of(dir.resolve("src")))),
                ConfigLoader.build(file, null));
    }

    @Test
    void without_cwd_and_watch_dir_it_runs_in_the_config_folder_and_watches_src() {
        mkdirs(dir, "src/main/java");
        Path file = write(dir, "worker.jsonc", "{ \"name\": \"auth\", \"build\": { \"command\": \"make\" } }");
        assertEquals(Optional.of(new BuildConfig("auth", file, "make", dir, List.of(dir.resolve("src")))),
                ConfigLoader.build(file, null));
    }

    @Test
    void without_a_src_folder_the_default_watches_nothing_and_an_empty_list_too() {
        Path file = write(dir, "worker.jsonc", "{ \"name\": \"auth\", \"build\": { \"command\": \"make\" } }");
        assertEquals(List.of(), ConfigLoader.build(file, null).orElseThrow().watchDirs());
        mkdirs(dir, "src");
        Path none = write(dir, "none.jsonc", "{ \"name\": \"auth\", \"build\": { \"command\": \"make\", \"watch_dir\": [] } }");
        assertEquals(List.of(), ConfigLoader.build(none, null).orElseThrow().watchDirs());
    }

    @Test
    void watch_dir_may_list_several_folders() {
        mkdirs(dir, "src");
        mkdirs(dir.getParent(), dir.getFileName() + "-shared/src");
        Path file = write(dir, "worker.jsonc", """
                { "name": "auth", "build": { "command": "make", "watch_dir": ["src", "../%s-shared/src"] } }
                """.formatted(dir.getFileName()));
        assertEquals(List.of(dir.resolve("src"), dir.resolveSibling(dir.getFileName() + "-shared/src")),
                ConfigLoader.build(file, null).orElseThrow().watchDirs());
    }

    @Test
    void the_same_build_in_toml() {
        mkdirs(dir, "src");
        Path file = write(dir, "worker.toml", """
                name = "auth"

                [build]
                command = "./mvnw -q compile"
                watch_dir = ["src"]
                """);
        assertEquals(Optional.of(new BuildConfig("auth", file, "./mvnw -q compile", dir, List.of(dir.resolve("src")))),
                ConfigLoader.build(file, null));
    }

    @Test
    void a_config_without_build_has_none_and_loads_as_before() {
        mkdirs(dir, "target/classes");
        Path file = write(dir, "worker.jsonc", "{ \"name\": \"auth\" }");
        assertEquals(Optional.empty(), ConfigLoader.build(file, null));
        assertEquals("auth", ConfigLoader.load(file, null).name());
    }

    @Test
    void the_build_is_read_before_the_classpath_exists_which_load_still_requires() {
        Path file = write(dir, "worker.jsonc", "{ \"name\": \"auth\", \"build\": { \"command\": \"make\" } }");
        assertEquals("make", ConfigLoader.build(file, null).orElseThrow().command());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, null));
        assertEquals(file + ": " + dir.resolve("target/classes") + " does not exist: without a \"classpath\" field, a worker's"
                + " classes are loaded from target/classes beside its config; build the worker (e.g. mvn package), or set"
                + " \"classpath\" to where its classes and jars are", e.getMessage());
    }

    @Test
    void an_environment_build_replaces_the_top_level_one_and_an_environment_without_keeps_it() {
        Path file = write(dir, "worker.jsonc", """
                {
                  "name": "auth",
                  "build": { "command": "make" },
                  "env": { "staging": { "build": { "command": "make staging" } }, "production": {} }
                }
                """);
        assertEquals("make", ConfigLoader.build(file, null).orElseThrow().command());
        assertEquals("make staging", ConfigLoader.build(file, "staging").orElseThrow().command());
        assertEquals("make", ConfigLoader.build(file, "production").orElseThrow().command());
    }

    // ---------------------------------------------------------------- bad input

    private void assertBuildError(String content, String afterFile) {
        Path file = write(dir, "worker.jsonc", content);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.build(file, null));
        assertEquals(file + afterFile, e.getMessage());
        ConfigException same = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, null));
        assertEquals(e.getMessage(), same.getMessage(), "load checks the build field the same way");
    }

    @Test
    void a_build_without_command_points_at_the_build_object() {
        assertBuildError("{ \"name\": \"auth\",\n  \"build\": { \"watch_dir\": \"src\" } }",
                ":2:12: field \"build.command\" is missing: the shell command that builds the worker,"
                        + " e.g. \"build\": { \"command\": \"./mvnw -q compile\", \"watch_dir\": \"src\" }");
    }

    @Test
    void an_empty_command_is_refused() {
        assertBuildError("{ \"name\": \"auth\", \"build\": { \"command\": \" \" } }",
                ":1:41: field \"build.command\": is empty; give the shell command that builds the worker,"
                        + " e.g. \"./mvnw -q compile\", or remove \"build\"");
    }

    @Test
    void a_misspelt_build_field_gets_a_hint_and_the_known_fields() {
        assertBuildError("{ \"name\": \"auth\", \"build\": { \"command\": \"make\", \"watch_dirs\": \"src\" } }",
                ":1:49: unknown field \"watch_dirs\" in \"build\" (did you mean \"watch_dir\"?); known fields: command, cwd, watch_dir");
    }

    @Test
    void a_command_that_is_not_a_string_says_what_it_must_be() {
        assertBuildError("{ \"name\": \"auth\", \"build\": { \"command\": [\"make\"] } }",
                ":1:41: field \"build.command\": expected a string (a shell command)");
    }

    @Test
    void a_build_that_is_not_an_object_shows_one() {
        assertBuildError("{ \"name\": \"auth\", \"build\": \"make\" }",
                ":1:28: field \"build\": expected an object like { \"command\": \"./mvnw -q compile\", \"watch_dir\": \"src\" }");
    }

    @Test
    void a_watch_dir_that_is_neither_a_string_nor_a_list_says_what_it_may_be() {
        assertBuildError("{ \"name\": \"auth\", \"build\": { \"command\": \"make\", \"watch_dir\": 7 } }",
                ":1:62: field \"build.watch_dir\": expected a folder or a list of folders, e.g. \"src\" or [\"src\", \"../shared/src\"]");
    }

    @Test
    void a_watch_dir_entry_that_is_not_a_string_is_pointed_at() {
        mkdirs(dir, "src");
        assertBuildError("{ \"name\": \"auth\", \"build\": { \"command\": \"make\", \"watch_dir\": [\"src\", 7] } }",
                ":1:70: field \"build.watch_dir[1]\": expected a folder, e.g. \"src\"");
    }

    @Test
    void a_watch_dir_that_does_not_exist_is_refused() {
        mkdirs(dir, "src");
        Path file = write(dir, "worker.jsonc", "{ \"name\": \"auth\", \"build\": { \"command\": \"make\", \"watch_dir\": [\"src\", \"gen\"] } }");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.build(file, null));
        assertEquals(file + ":1:70: field \"build.watch_dir[1]\": " + dir.resolve("gen")
                + " does not exist (relative paths resolve against the config's folder)", e.getMessage());
    }

    @Test
    void a_cwd_that_is_a_file_is_refused() {
        write(dir, "Makefile", "all:\n");
        Path file = write(dir, "worker.jsonc", "{ \"name\": \"auth\", \"build\": { \"command\": \"make\", \"cwd\": \"Makefile\" } }");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.build(file, null));
        assertEquals(file + ":1:56: field \"build.cwd\": " + dir.resolve("Makefile")
                + " is not a folder (relative paths resolve against the config's folder)", e.getMessage());
    }

    @Test
    void a_bad_build_in_an_environment_block_is_reported_even_when_another_environment_is_selected() {
        Path file = write(dir, "worker.jsonc", """
                { "name": "auth", "env": { "staging": { "build": { "cwd": "." } } } }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.build(file, null));
        assertEquals(file + ":1:50: field \"env.staging.build.command\" is missing: the shell command that builds the worker,"
                + " e.g. \"build\": { \"command\": \"./mvnw -q compile\", \"watch_dir\": \"src\" }", e.getMessage());
    }
}
