package io.jworkers.runtime.config;

import static io.jworkers.runtime.config.ConfigFiles.mkdirs;
import static io.jworkers.runtime.config.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConfigLoaderTest {

    static final String FULL_JSONC = """
            // The gateway: public, calls two other workers.
            {
              "$schema": "node_modules/wrangler/config-schema.json",
              "name": "gateway",
              "main": "io.jworkers.example.gateway.GatewayWorker$Inner",
              "classpath": ["target/classes", "target/lib", "extra/single.jar",],   // dirs, jars, dirs of jars
              "routes": ["/*", "/api/*", "/health",],
              /* Bindings,
                 in a block comment. */
              "services": [
                { "binding": "AUTH", "service": "auth" },
                { "binding": "APPLICATION", "service": "application", "environment": "production",
                  "entrypoint": "Admin", "props": { "tenant": "t1", "ids": [1, 2] } },
              ],
              "vars": { "GREETING": "hello", "RETRIES": 3, "RATIO": 0.5, "DEBUG": true, "OBJ": { "a": [1] } },
              "secrets": { "required": ["SECRET_TOKEN", "API_KEY"] },
              "limits": { "subrequests": 50, "timeout_ms": 5000 },
              "env": { "staging": { "vars": { "GREETING": "hi" }, "services": [] } },
            }
            """;

    static final String FULL_TOML = """
            # The gateway: public, calls two other workers.
            "$schema" = "node_modules/wrangler/config-schema.json"
            name = "gateway"
            main = "io.jworkers.example.gateway.GatewayWorker$Inner"
            classpath = ["target/classes", "target/lib", "extra/single.jar"]
            routes = ["/*", "/api/*", "/health"]

            [[services]]
            binding = "AUTH"
            service = "auth"

            [[services]]
            binding = "APPLICATION"
            service = "application"
            environment = "production"
            entrypoint = "Admin"
            props = { tenant = "t1", ids = [1, 2] }

            [vars]
            GREETING = "hello"
            RETRIES = 3
            RATIO = 0.5
            DEBUG = true
            OBJ = { a = [1] }

            [secrets]
            required = ["SECRET_TOKEN", "API_KEY"]

            [limits]
            subrequests = 50
            timeout_ms = 5000

            [env.staging]
            services = []

            [env.staging.vars]
            GREETING = "hi"
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void build_outputs() {
        mkdirs(dir, "target/classes");
        write(dir, "target/lib/b.jar", "");
        write(dir, "target/lib/a.jar", "");
        write(dir, "target/lib/notes.txt", "not a jar");
        write(dir, "target/lib/nested/deeper.jar", "");
        write(dir, "extra/single.jar", "");
    }

    @Test
    void a_full_jsonc_config_with_comments_and_trailing_commas_loads_every_field() {
        WorkerConfig config = ConfigLoader.load(write(dir, "worker.jsonc", FULL_JSONC), null);
        assertFullConfig(config, dir.resolve("worker.jsonc"));
    }

    @Test
    void the_same_config_in_toml_loads_to_the_same_values() {
        WorkerConfig config = ConfigLoader.load(write(dir, "worker.toml", FULL_TOML), null);
        assertFullConfig(config, dir.resolve("worker.toml"));
    }

    private void assertFullConfig(WorkerConfig config, Path file) {
        assertEquals(file, config.file());
        assertEquals(dir, config.directory());
        assertEquals("gateway", config.name());
        assertEquals("io.jworkers.example.gateway.GatewayWorker$Inner", config.main());
        assertEquals(List.of(dir.resolve("target/classes"), dir.resolve("target/lib"), dir.resolve("target/lib/a.jar"),
                dir.resolve("target/lib/b.jar"), dir.resolve("extra/single.jar")), config.classpath());
        assertEquals(List.of("/*", "/api/*", "/health"), config.routes());
        assertTrue(config.isPublic());
        assertEquals(List.of(
                new ServiceBindingConfig("AUTH", "auth", null, null, "{}"),
                new ServiceBindingConfig("APPLICATION", "application", "production", "Admin",
                        "{\"tenant\":\"t1\",\"ids\":[1,2]}")), config.services());
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("GREETING", "hello");
        vars.put("RETRIES", "3");
        vars.put("RATIO", "0.5");
        vars.put("DEBUG", "true");
        vars.put("OBJ", "{\"a\":[1]}");
        assertEquals(vars, config.vars());
        assertEquals(List.copyOf(vars.keySet()), List.copyOf(config.vars().keySet()), "config order is kept");
        assertEquals(List.of("SECRET_TOKEN", "API_KEY"), List.copyOf(config.requiredSecrets()));
        assertEquals(new Limits(50, 5000), config.limits());
    }

    @Test
    void a_config_with_only_a_name_gets_the_defaults() {
        WorkerConfig config = ConfigLoader.load(write(dir, "worker.jsonc", "{ \"name\": \"auth\" }"), null);
        assertEquals("auth", config.name());
        assertNull(config.main());
        assertEquals(List.of(dir.resolve("target/classes")), config.classpath());
        assertEquals(List.of(), config.routes());
        assertFalse(config.isPublic());
        assertEquals(List.of(), config.services());
        assertEquals(Map.of(), config.vars());
        assertEquals(Set.of(), config.requiredSecrets());
        assertEquals(Limits.DEFAULT, config.limits());
    }

    @Test
    void limits_fields_left_out_take_their_defaults() {
        WorkerConfig config = ConfigLoader.load(write(dir, "worker.jsonc", """
                { "name": "auth", "limits": { "timeout_ms": 100 } }
                """), null);
        assertEquals(new Limits(1000, 100), config.limits());
    }

    @Test
    void relative_classpath_entries_resolve_against_the_config_folder_not_the_working_directory() {
        Path workerDir = mkdirs(dir, "workers/auth");
        mkdirs(workerDir, "build/classes");
        write(workerDir, "libs/z.jar", "");
        write(workerDir, "libs/m.jar", "");
        write(dir, "shared/common.jar", "");
        Path file = write(workerDir, "worker.jsonc", """
                { "name": "auth", "classpath": ["build/classes", "./libs", "../../shared/common.jar", "%s"] }
                """.formatted(dir.resolve("extra/single.jar")));
        // A path relative to the working directory, as a CLI user would pass it.
        Path relativeToCwd = Path.of("").toAbsolutePath().relativize(file);

        WorkerConfig config = ConfigLoader.load(relativeToCwd, null);

        assertEquals(file, config.file());
        assertEquals(List.of(workerDir.resolve("build/classes"), workerDir.resolve("libs"), workerDir.resolve("libs/m.jar"),
                workerDir.resolve("libs/z.jar"), dir.resolve("shared/common.jar"), dir.resolve("extra/single.jar")),
                config.classpath());
        config.classpath().forEach(p -> assertTrue(p.isAbsolute(), p + " is absolute"));
    }

    @Test
    void a_folder_of_jars_expands_to_itself_and_the_jars_directly_inside_sorted_by_name() {
        WorkerConfig config = ConfigLoader.load(write(dir, "worker.jsonc", """
                { "name": "auth", "classpath": ["target/lib"] }
                """), null);
        assertEquals(List.of(dir.resolve("target/lib"), dir.resolve("target/lib/a.jar"), dir.resolve("target/lib/b.jar")),
                config.classpath());
    }

    @Test
    void an_environment_replaces_exactly_the_fields_it_sets() {
        Path file = write(dir, "worker.jsonc", """
                {
                  "name": "gateway",
                  "main": "io.x.Gateway",
                  "routes": ["/*"],
                  "services": [{ "binding": "AUTH", "service": "auth" }],
                  "vars": { "GREETING": "hello", "OTHER": "kept only at top level" },
                  "secrets": { "required": ["TOKEN"] },
                  "limits": { "subrequests": 5, "timeout_ms": 10 },
                  "env": {
                    "staging": {
                      "classpath": ["target/lib"],
                      "routes": [],
                      "services": [{ "binding": "AUTH", "service": "auth", "environment": "staging" }],
                      "vars": { "GREETING": "hi" },
                      "secrets": { "required": [] },
                      "limits": { "subrequests": 7 },
                    },
                    "production": {},
                  },
                }
                """);

        WorkerConfig top = ConfigLoader.load(file, null);
        WorkerConfig staging = ConfigLoader.load(file, "staging");
        WorkerConfig production = ConfigLoader.load(file, "production");

        assertEquals(List.of(dir.resolve("target/classes")), top.classpath());
        assertEquals("gateway", staging.name());
        assertEquals("io.x.Gateway", staging.main(), "not set in the env: inherited");
        assertEquals(List.of(dir.resolve("target/lib"), dir.resolve("target/lib/a.jar"), dir.resolve("target/lib/b.jar")),
                staging.classpath());
        assertEquals(List.of(), staging.routes());
        assertFalse(staging.isPublic());
        assertEquals(List.of(new ServiceBindingConfig("AUTH", "auth", "staging", null, "{}")), staging.services());
        assertEquals(Map.of("GREETING", "hi"), staging.vars(), "vars are replaced whole, not merged");
        assertEquals(Set.of(), staging.requiredSecrets());
        assertEquals(new Limits(7, 30_000), staging.limits(), "an env's limits block stands alone");
        assertEquals(top, production, "an empty env block changes nothing");
    }

    @Test
    void selecting_an_undeclared_environment_lists_the_declared_ones() {
        Path file = write(dir, "worker.jsonc", """
                { "name": "auth", "env": { "staging": {}, "production": {} } }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, "stagin"));
        assertEquals(file + ": environment \"stagin\" is not declared (did you mean \"staging\"?);"
                + " declared environments: staging, production", e.getMessage());
    }

    @Test
    void selecting_an_environment_in_a_config_without_any_says_there_are_none() {
        Path file = write(dir, "worker.jsonc", "{ \"name\": \"auth\" }");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, "staging"));
        assertEquals(file + ": environment \"staging\" is not declared, and this config declares no environments;"
                + " add \"env\": { \"staging\": { ... } } or run without an environment", e.getMessage());
    }
}
