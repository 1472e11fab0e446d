package io.jworkers.runtime.config;

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

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DevWorkspaceTest {

    @TempDir
    Path dir;

    @Test
    void the_listed_configs_resolve_against_the_workspace_folder_in_order() {
        Path gateway = write(dir, "example-gateway/worker.jsonc", "{}");
        Path auth = write(dir, "example-auth/worker.toml", "");
        write(dir, "jworkers.jsonc", """
                // what `jworkers dev` runs
                { "dev": ["example-gateway/worker.jsonc", "./example-auth/../example-auth/worker.toml",], }
                """);
        assertEquals(Optional.of(List.of(gateway, auth)), DevWorkspace.find(dir));
    }

    @Test
    void no_workspace_file_means_empty() {
        assertEquals(Optional.empty(), DevWorkspace.find(dir));
    }

    @Test
    void a_listed_file_that_does_not_exist_is_named_with_its_absolute_path() {
        write(dir, "example-gateway/worker.jsonc", "{}");
        Path file = write(dir, "jworkers.jsonc", """
                {
                  "dev": [
                    "example-gateway/worker.jsonc",
                    "example-auth/worker.jsonc"
                  ]
                }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> DevWorkspace.find(dir));
        assertEquals(file + ":4:5: field \"dev[1]\": " + dir.resolve("example-auth/worker.jsonc") + " does not exist"
                + " (paths resolve against the folder of jworkers.jsonc)", e.getMessage());
    }

    @Test
    void a_listed_folder_suggests_the_config_inside_it() {
        write(dir, "example-auth/worker.jsonc", "{}");
        Path file = write(dir, "jworkers.jsonc", "{\"dev\": [\"example-auth/\"]}");
        ConfigException e = assertThrows(ConfigException.class, () -> DevWorkspace.find(dir));
        assertEquals(file + ":1:10: field \"dev[0]\": " + dir.resolve("example-auth") + " is a folder; name the config"
                + " file inside it, e.g. \"example-auth/worker.jsonc\"", e.getMessage());
    }

    @Test
    void bad_content_is_a_config_error() {
        Path file = write(dir, "jworkers.jsonc", "{\"workers\": []}");
        ConfigException e = assertThrows(ConfigException.class, () -> DevWorkspace.find(dir));
        assertEquals(file + ":1:2: unknown field \"workers\"; known fields: $schema, dev", e.getMessage());

        write(dir, "jworkers.jsonc", "{}");
        e = assertThrows(ConfigException.class, () -> DevWorkspace.find(dir));
        assertEquals(file + ": field \"dev\" is missing: list the worker configs `jworkers dev` runs,"
                + " e.g. \"dev\": [\"gateway/worker.jsonc\", \"auth/worker.jsonc\"]", e.getMessage());
    }
}
