package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One worker's damaged or missing files never take the host down: it starts, serves every other
 * worker, logs the damaged one with what to do, shows it as not running in {@code services}, and a
 * new deploy repairs it. Nothing of the damaged worker is deleted on the way.
 */
class DamagedStateTest {

    @TempDir
    Path state;
    @TempDir
    Path work;

    /** What goes wrong with worker "alpha"'s files while the host is down. */
    enum Damage {
        INDEX_NOT_JSON("The index <state>/workers/alpha/production/index.json is damaged (") {
            @Override
            void apply(Path state, String hash) throws IOException {
                Files.writeString(state.resolve("workers/alpha/production/index.json"), "{\"current\": 1, \"lat");
            }
        },
        INDEX_GONE("The index <state>/workers/alpha/production/index.json is missing, but versions up to 1 are there (kept).") {
            @Override
            void apply(Path state, String hash) throws IOException {
                Files.delete(state.resolve("workers/alpha/production/index.json"));
            }
        },
        CURRENT_POINTS_TO_A_MISSING_VERSION("The record of the current version 1 of \"alpha\" in production is missing (") {
            @Override
            void apply(Path state, String hash) throws IOException {
                Files.delete(state.resolve("workers/alpha/production/versions/1.json"));
            }
        },
        BUNDLE_GONE("The bundle of the current version 1 of \"alpha\" in production is missing (") {
            @Override
            void apply(Path state, String hash) throws IOException {
                deleteTree(state.resolve("bundles").resolve(hash));
            }
        },
        CONFIG_GONE("The bundle of the current version 1 of \"alpha\" in production is missing (") {
            @Override
            void apply(Path state, String hash) throws IOException {
                Files.delete(state.resolve("bundles").resolve(hash).resolve("worker.json"));
            }
        },
        CONFIG_NOT_JSON("version 1 of production does not load: ") {
            @Override
            void apply(Path state, String hash) throws IOException {
                Files.writeString(state.resolve("bundles").resolve(hash).resolve("worker.json"), "{ \"name\": ");
            }
        },
        CLASSPATH_GONE("version 1 of production does not load: ") {
            @Override
            void apply(Path state, String hash) throws IOException {
                deleteTree(state.resolve("bundles").resolve(hash).resolve("classpath"));
            }
        },
        SECRETS_GONE("The secrets file of the current version 1 of \"alpha\" in production is missing (<state>/secrets/alpha/production/1.json).") {
            @Override
            void apply(Path state, String hash) throws IOException {
                Files.delete(state.resolve("secrets/alpha/production/1.json"));
            }
        },
        SECRETS_NOT_JSON("The secrets file <state>/secrets/alpha/production/1.json is not a JSON object of strings") {
            @Override
            void apply(Path state, String hash) throws IOException {
                Files.writeString(state.resolve("secrets/alpha/production/1.json"), "{\"KEY\": ");
            }
        };

        final String problem;

        Damage(String problem) {
            this.problem = problem;
        }

        abstract void apply(Path state, String hash) throws IOException;
    }

    private Path hello(String name, String route) {
        return WorkerDirs.config(work, name, """
                { "name": "%s", "classpath": [%s], "routes": ["%s"], "vars": { "WHO": "%s" } }
                """.formatted(name, json(Fixtures.classes("hello")), route, name));
    }

    private static void ok(ServeHarness.Cli result) {
        assertEquals(0, result.code(), result.out() + result.err());
    }

    // Two workers deployed and stopped; alpha's version 1 has a secret. Returns alpha's bundle hash.
    private String deployTwoWorkers() throws IOException {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            ok(host.cli("secret-value", "secret", "put", "alpha", "KEY", "--create"));
            ok(host.cli("", "deploy", "-c", hello("alpha", "/a/*").toString()));
            ok(host.cli("", "deploy", "-c", hello("beta", "/b/*").toString()));
            return host.serve().store().current("alpha", "production").orElseThrow().info().sha256();
        }
    }

    private List<String> files(String under) throws IOException {
        try (Stream<Path> files = Files.walk(state.resolve(under))) {
            return files.map(p -> state.relativize(p).toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedWorkerIsShownAndRepairedWhileTheOthersServe(Damage damage) throws Exception {
        String hash = deployTwoWorkers();
        damage.apply(state, hash);
        List<String> versionsBefore = files("workers");

        try (LogCapture log = LogCapture.of("jworkers"); ServeHarness host = ServeHarness.start(state, work)) {
            assertEquals(200, Http.get(host.url() + "/b/").statusCode(), "beta serves");
            assertEquals(404, Http.get(host.url() + "/a/").statusCode(), "alpha's route is not served by anything else");
            String expected = damage.problem.replace("<state>", state.toString());

            String services = host.cli("", "services").out();
            List<String> lines = services.lines().toList();
            boolean indexLost = damage == Damage.INDEX_NOT_JSON || damage == Damage.INDEX_GONE;
            assertEquals("alpha (production)  version " + (indexLost ? "?" : "1") + "  NOT RUNNING", lines.get(0), services);
            assertTrue(lines.get(1).startsWith("  problem: " + expected), services);
            assertEquals("beta (production)  version 1  running  routes /b/*", lines.get(2), services);
            assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("[alpha] not running: " + expected)), log.messages().toString());
            assertEquals(versionsBefore, files("workers"), "nothing of the damaged worker was deleted");

            ok(host.cli("", "deploy", "-c", hello("alpha", "/a/*").toString(), "-m", "repair"));
            assertTrue(Http.get(host.url() + "/a/").body().startsWith("hello from alpha at /a/"));
            assertEquals("alpha (production)  version 2  running  routes /a/*", host.cli("", "services").out().lines().findFirst().orElseThrow());
        }
    }

    @Test
    void theRealServeCommandStartsAndSaysHowManyWorkersDoNotRun() throws Exception {
        deployTwoWorkers();
        Files.writeString(state.resolve("workers/alpha/production/index.json"), "not json");
        Path token = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
        try (ForkedHost host = ForkedHost.serve(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), state, token)) {
            assertEquals(200, Http.get(host.url() + "/b/").statusCode());
            assertTrue(host.output().stream().anyMatch(line -> line.contains("ERROR") && line.contains("[alpha] not running:"
                    + " The index " + state.resolve("workers/alpha/production/index.json") + " is damaged")), host.output().toString());
            assertTrue(host.output().contains("2 worker environments deployed, 1 not running (logged above; jworkers services"
                    + " shows why; a deploy repairs it)"), host.output().toString());
        }
    }

    @Test
    void aVersionWhoseSecretsLackARequiredOneIsNotStartedWithoutIt() throws Exception {
        Path needs = WorkerDirs.config(work, "needs", """
                { "name": "needs", "classpath": [%s], "routes": ["/n/*"], "vars": { "WHO": "needs" },
                  "secrets": { "required": ["KEY"] } }
                """.formatted(json(Fixtures.classes("hello"))));
        try (ServeHarness host = ServeHarness.start(state, work)) {
            ok(host.cli("value", "secret", "put", "needs", "KEY", "--create"));
            ok(host.cli("", "deploy", "-c", needs.toString()));
        }
        Files.writeString(state.resolve("secrets/needs/production/1.json"), "{}"); // edited by hand
        try (ServeHarness host = ServeHarness.start(state, work)) {
            assertEquals(503, Http.get(host.url() + "/n/").statusCode(), "its route is known, its worker not running");
            assertEquals("""
                    needs (production)  version 1  NOT RUNNING  routes /n/*
                      problem: version 1 of production requires secret KEY, which its secrets do not have. Set it with: jworkers secret put needs KEY
                    """, host.cli("", "services").out());
        }
    }

    @Test
    void aStateFolderOfAnEarlierLayoutIsNamedAsSuchNotLostNorDeleted() throws Exception {
        Path old = state.resolve("workers/legacy/production");
        Files.createDirectories(old.resolve("versions/1/bundle"));
        Files.writeString(old.resolve("deployments.json"), "{\"current\": 1, \"versions\": [{\"number\": 1}]}");
        try (ServeHarness host = ServeHarness.start(state, work)) {
            String services = host.cli("", "services").out();
            assertTrue(services.startsWith("legacy (production)  version ?  NOT RUNNING\n  problem: \"legacy\" in production was"
                    + " deployed by an earlier jworkers, whose state layout this one does not read (" + old + "). Deploy it"
                    + " again; then delete that folder's deployments.json and the numbered folders in versions/ (not the N.json"
                    + " files)."), services);
            Path needsSecret = WorkerDirs.config(work, "legacy-needs", """
                    { "name": "legacy", "classpath": [%s], "routes": ["/l/*"], "vars": { "WHO": "legacy" },
                      "secrets": { "required": ["NOT_SET"] } }
                    """.formatted(json(Fixtures.classes("hello"))));
            assertEquals(1, host.cli("", "deploy", "-c", needsSecret.toString()).code());
            assertTrue(Files.exists(old.resolve("deployments.json")) && Files.isDirectory(old.resolve("versions/1/bundle")),
                    "a refused first deploy removes only what it wrote");
            ok(host.cli("", "deploy", "-c", hello("legacy", "/l/*").toString()));
            assertTrue(Http.get(host.url() + "/l/").body().startsWith("hello from legacy at /l/"));
        }
        assertTrue(Files.exists(old.resolve("deployments.json")), "the old files are left for the user to remove");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
