package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host killed with SIGKILL in the middle of a deploy comes back with exactly the last completed
 * deployment (a host restarted after a crash, even mid-deploy, comes back with exactly the last completed deployment). A real {@code jworkers serve} process takes version 1 through the CLI,
 * then a deploy of version 2 that a test hook ({@code -Djworkers.test.pauseDeployAt=STEP@2}) holds
 * at one step of the store's write, where the process is killed. Each restart on the same state
 * folder must serve version 1 (killed before the commit) or version 2 (killed after it), list the
 * versions to match, have removed the half-written deploy, and take the next deploy — which the
 * next step kills again, so one chain of five processes covers every step. (The steps: "staged",
 * the bundle, the version's record and secrets are written; "loaded", the host loaded and started
 * the new version; "index-written", the new index is on disk under a temp name; "committed".)
 */
class KillDuringDeployTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final List<String> STEPS_BEFORE_COMMIT = List.of("staged", "loaded", "index-written");

    @TempDir
    Path state;
    @TempDir
    Path work;
    private Path token;

    private Path hello(String who) {
        return WorkerDirs.config(work, who, """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "%s" } }
                """.formatted(json(Fixtures.classes("hello")), who));
    }

    @Test
    void aHostKilledAtAnyStepOfADeployRestartsWithTheLastCompletedDeployment() throws Exception {
        token = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
        List<String> steps = new ArrayList<>(STEPS_BEFORE_COMMIT);
        steps.add("committed");
        for (int i = 0; i < steps.size(); i++) {
            String step = steps.get(i);
            try (ForkedHost host = serve("-Djworkers.test.pauseDeployAt=" + step + "@2")) {
                if (i == 0) {
                    ServeHarness.Cli first = cli(host, "deploy", "-c", hello("v1").toString());
                    assertEquals(0, first.code(), first.err());
                } else {
                    assertRestartedWith(host, 1, "after a kill at " + steps.get(i - 1));
                }
                assertTrue(Http.get(host.url() + "/").body().startsWith("hello from v1 at /"));

                CompletableFuture<ServeHarness.Cli> second = CompletableFuture.supplyAsync(
                        () -> cli(host, "deploy", "-c", hello("v2").toString()));
                host.awaitOutput("jworkers test hook: deploy paused at " + step + " of version 2", 60);
                assertEquals(137, host.kill(), "killed by SIGKILL at " + step);
                ServeHarness.Cli killed = second.get(60, TimeUnit.SECONDS);
                assertEquals(1, killed.code(), "the interrupted deploy reports a failure: " + killed.out() + killed.err());
                assertTrue(killed.err().startsWith("jworkers deploy: the request to http://127.0.0.1:"), killed.err());
            }
            // The upload and the unpacked bundle sit in staging/ too (so the restart removes them): not the store's.
            List<String> halfWritten = debris().stream().filter(path -> !path.matches("staging/(upload|unpack).*")).toList();
            assertEquals(!step.equals("committed"), !halfWritten.isEmpty(),
                    "a kill before the commit leaves a half-written deploy behind, after it none: " + debris());
        }

        try (ForkedHost host = serve()) {
            assertRestartedWith(host, 2, "after a kill once the index was replaced");
            ServeHarness.Cli next = cli(host, "deploy", "-c", hello("v3").toString());
            assertEquals(0, next.code(), next.err());
            assertTrue(next.out().contains("Deployed hello version 3 to production"), next.out());
            assertTrue(Http.get(host.url() + "/").body().startsWith("hello from v3 at /"));
            assertEquals(List.of("1", "2", "3"), versionFolders());
        }
    }

    private void assertRestartedWith(ForkedHost host, int expected, String when) throws IOException {
        assertTrue(Http.get(host.url() + "/").body().startsWith("hello from v" + expected + " at /"),
                "serves the last completed deployment " + when);
        String versions = cli(host, "versions", "hello").out();
        List<String> rows = versions.lines().filter(line -> line.matches("\\d.*")).toList();
        assertEquals(expected, rows.size(), when + ": " + versions);
        assertTrue(rows.get(expected - 1).startsWith(expected + " *"), when + ": " + versions);
        assertEquals(List.of(), debris(), "no staging folder, temp file or uncommitted version is left " + when);
        assertEquals(expected == 1 ? List.of("1") : List.of("1", "2"), versionFolders(), when);
        assertFalse(host.output().stream().anyMatch(line -> line.contains("does not load")), host.output().toString());
    }

    private ForkedHost serve(String... jvmOptions) {
        List<String> options = new ArrayList<>(JVM);
        options.addAll(List.of(jvmOptions));
        return ForkedHost.serve(options, state, token);
    }

    private ServeHarness.Cli cli(ForkedHost host, String... args) {
        return ServeHarness.cli(host.adminUrl(), token, "", args);
    }

    // What a crash may leave: anything in staging/, temp files, version records above the index's "latest",
    // bundles no version names.
    private List<String> debris() throws IOException {
        Path index = state.resolve("workers/hello/production/index.json");
        int latest = Files.exists(index) ? JSON.readTree(index.toFile()).path("latest").asInt() : 0;
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(state)) {
            files.filter(p -> state.resolve("staging").equals(p.getParent()) || p.getFileName().toString().endsWith(".tmp"))
                    .forEach(p -> found.add(state.relativize(p).toString()));
        }
        List<String> named = new ArrayList<>();
        for (String version : versionFolders()) {
            if (Integer.parseInt(version) > latest) {
                found.add("versions/" + version + " (above the index's latest, " + latest + ")");
            }
            named.add(JSON.readTree(state.resolve("workers/hello/production/versions/" + version + ".json").toFile())
                    .path("sha256").asText());
        }
        try (Stream<Path> bundles = Files.list(state.resolve("bundles"))) {
            bundles.map(p -> p.getFileName().toString()).filter(hash -> !named.contains(hash))
                    .forEach(hash -> found.add("bundles/" + hash + " (no version names it)"));
        }
        return found;
    }

    private List<String> versionFolders() throws IOException {
        Path versions = state.resolve("workers/hello/production/versions");
        if (!Files.isDirectory(versions)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(versions)) {
            return files.map(p -> p.getFileName().toString().replace(".json", "")).sorted().toList();
        }
    }
}
