package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.ClassLoadLog;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a host loads only when a worker needs it, seen in the class-loading log of a real
 * {@code jworkers dev}: reading configs (with props and structured vars) and worker manifests,
 * and typed and dynamic calls whose values all pass by reference, load no Jackson mapper and no
 * ByteBuddy builder; a contract with a value that needs tokens (a list of records) makes the
 * mapper when its stub is linked. A {@code jworkers serve} restarted on its state folder reads its
 * version records and secret sets, and serves, without one. Every class a start
 * loads is also in the start-up cache trained on it, which the JVM maps in whole at every start
 * (docs/PERFORMANCE.md, §9 "A sixth run").
 */
class LazyLibrariesTest {

    private static final String MAPPER = "com.fasterxml.jackson.databind.ObjectMapper";
    private static final String BUILDER = "net.bytebuddy.ByteBuddy";

    @TempDir
    Path dir;

    @Test
    void configsManifestsAndTypedAndDynamicCallsOfSharedValuesLoadNoMapperAndNoBuilder() throws Exception {
        String metered = json(Fixtures.classes("metered"));
        Path front = WorkerDirs.config(dir, "front", """
                { "name": "front", "main": "io.fixture.metered.FrontWorker", "classpath": [%s],
                  "vars": { "LIMITS": { "notes": [280, 1.5] } },
                  "services": [{ "binding": "BACK", "service": "back", "props": { "tenant": "t1" } }] }
                """.formatted(metered));
        Path back = WorkerDirs.config(dir, "back", """
                { "name": "back", "main": "io.fixture.metered.BackWorker", "classpath": [%s] }
                """.formatted(metered));
        ClassLoadLog classes = new ClassLoadLog(dir.resolve("classes.log"));
        try (ForkedHost host = ForkedHost.dev(List.of(classes.option()),
                List.of("-c", front.toString(), "-c", back.toString()))) {
            // Adder.add(int, int) typed, then add(4, 5) by name: values that pass by reference.
            assertEquals("5 9", ok(host, "/rpc"));
            assertTrue(classes.loaded("io.jworkers.runtime.rpc.StubFactory"),
                    "the typed call made a stub");
            assertFalse(classes.loaded(MAPPER), MAPPER + " loaded");
            assertFalse(classes.loaded(BUILDER), BUILDER + " loaded");
        }
    }

    @Test
    void aContractWithValuesThatNeedTokensMakesTheMapperWhenItsStubIsLinked() throws Exception {
        Path client = WorkerDirs.config(dir, "client", """
                { "name": "client", "classpath": [%s], "routes": ["/*"], "services": [{ "binding": "CALC", "service": "calc" }] }
                """.formatted(json(Fixtures.classes("rpcclient"))));
        Path calc = WorkerDirs.config(dir, "calc", "{ \"name\": \"calc\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("calc"))));
        ClassLoadLog classes = new ClassLoadLog(dir.resolve("classes.log"));
        try (ForkedHost host = ForkedHost.dev(List.of(classes.option()),
                List.of("-c", client.toString(), "-c", calc.toString()))) {
            assertFalse(classes.loaded(MAPPER), MAPPER + " loaded at start");
            // Calc's methods take and return lists and maps of records, which are copied as tokens.
            assertEquals("5", ok(host, "/add"));
            assertTrue(classes.loaded(MAPPER),
                    "the mapper is made when a contract needs it");
            assertEquals("java.util.ArrayList [Point[x=2, y=1], Point[x=3, y=2], Point[x=0, y=0]]", ok(host, "/list-of-records"));
        }
    }

    @Test
    void serveRestartedOnItsStateReadsVersionsAndSecretsWithoutAMapper() throws Exception {
        String metered = json(Fixtures.classes("metered"));
        Path back = WorkerDirs.config(dir, "back", """
                { "name": "back", "main": "io.fixture.metered.BackWorker", "classpath": [%s] }
                """.formatted(metered));
        Path front = WorkerDirs.config(dir, "front", """
                { "name": "front", "main": "io.fixture.metered.FrontWorker", "classpath": [%s], "routes": ["/*"],
                  "services": [{ "binding": "BACK", "service": "back" }] }
                """.formatted(metered));
        Path state = dir.resolve("state");
        Path token = dir.resolve("token");
        try (ForkedHost host = ForkedHost.serve(List.of(), state, token)) {
            assertEquals(0, ServeHarness.cli(host.adminUrl(), token, "s3cr3t\n", "secret", "put", "front", "API_KEY",
                    "--create").code());
            assertEquals(0, ServeHarness.cli(host.adminUrl(), token, "", "deploy", "-c", back.toString()).code());
            assertEquals(0, ServeHarness.cli(host.adminUrl(), token, "", "deploy", "-c", front.toString()).code());
            assertEquals("5 9", ok(host, "/rpc"));
            host.terminate();
            assertEquals(0, host.waitForExit(30));
        }
        ClassLoadLog classes = new ClassLoadLog(dir.resolve("serve-classes.log"));
        try (ForkedHost host = ForkedHost.serve(List.of(classes.option()), state, token)) {
            assertEquals("5 9", ok(host, "/rpc"));
            assertTrue(classes.loaded("io.jworkers.runtime.deploy.StateJson"),
                    "the restart read its state");
            assertFalse(classes.loaded(MAPPER), MAPPER + " loaded");
            assertFalse(classes.loaded(BUILDER), BUILDER + " loaded");
        }
    }

    private static String ok(ForkedHost host, String path) {
        HttpResponse<String> response = Http.get(host.url() + path);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
