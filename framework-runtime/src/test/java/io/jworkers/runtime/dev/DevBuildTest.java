package io.jworkers.runtime.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.build.BuildFailedException;
import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.Printed;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker with a {@code build} under {@code jworkers dev}: built before it loads, built again
 * when its sources change (then reloaded once, never from a half-built classpath), and a failed
 * build keeps the running version.
 */
class DevBuildTest {

    /**
     * A build as Maven's incremental compile behaves: it deletes the old classes, pauses (longer
     * than the quiet period), then compiles, with the javac of the JDK it is given.
     */
    private static final String COMPILE = "echo \"JAVA_HOME=$JAVA_HOME\"; echo \"javac=$(command -v javac)\";"
            + " rm -rf classes && sleep 1 && javac --release 21 -proc:none -d classes -cp '%s' src/io/fixture/hello/*.java";

    @TempDir
    Path dir;
    private Path worker;
    private final Printed printed = new Printed();
    private final PrintStream out = printed.stream();

    @BeforeEach
    void sources() throws IOException {
        worker = dir.resolve("hello");
        Path fixture = Path.of("src/test/fixtures/hello/io/fixture/hello");
        for (String file : List.of("HelloWorker.java", "Late.java")) {
            WorkerDirs.write(worker.resolve("src/io/fixture/hello").resolve(file), Files.readString(fixture.resolve(file)));
        }
    }

    private Path config(String command) {
        return WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": ["classes"], "vars": { "WHO": "dev" },
                  "build": { "command": %s, "watch_dir": "src" } }
                """.formatted(jsonString(command)));
    }

    private static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private DevServer start(Path config) {
        return DevServer.start(List.of(config), null, IngressSettings.defaults("127.0.0.1", 0), out);
    }

    @Test
    void theBuildRunsBeforeTheWorkerLoadsWithTheJdkOfJworkers() {
        assertFalse(Files.exists(worker.resolve("classes")));
        try (DevServer server = start(config(COMPILE.formatted(Fixtures.apiLocation())))) {
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"));
            String javaHome = System.getProperty("java.home");
            assertTrue(printed.text().startsWith("building hello: echo \"JAVA_HOME=$JAVA_HOME\";"), printed.text());
            assertTrue(printed.text().contains("\n  JAVA_HOME=" + javaHome + "\n  javac=" + Path.of(javaHome, "bin", "javac") + "\n"),
                    printed.text());
            assertTrue(printed.text().matches("(?s).*\\nbuilt hello \\(\\d+\\.\\d s\\)\\n"), printed.text());
        }
    }

    @Test
    void aChangedSourceIsBuiltAgainAndReloadedOnceWithNoFalseErrorWhileTheBuildRuns() throws Exception {
        try (DevServer server = start(config(COMPILE.formatted(Fixtures.apiLocation())))) {
            server.watchForChanges(out);
            editGreeting("howdy from ");

            assertTrue(Await.body(server.url() + "/", "howdy").startsWith("howdy from dev"));
            Thread.sleep(3 * DevServer.QUIET_PERIOD.toMillis()); // nothing else may follow
            assertEquals(2, printed.count("building hello: "), printed.text());
            assertEquals(1, printed.count("Reloaded hello "), printed.text());
            assertFalse(printed.text().contains("Not reloaded"), printed.text());
            assertFalse(printed.text().contains("Not rebuilt"), printed.text());
        }
    }

    @Test
    void aFailedRebuildKeepsTheRunningVersionUntilAGoodOneReloads() throws Exception {
        try (DevServer server = start(config(COMPILE.formatted(Fixtures.apiLocation())))) {
            server.watchForChanges(out);
            Path source = worker.resolve("src/io/fixture/hello/HelloWorker.java");
            String good = Files.readString(source);
            Files.writeString(source, good.replace("public final class", "public final klass"));

            Await.until(() -> printed.text().contains("Not rebuilt"));
            assertTrue(printed.text().contains("Not rebuilt hello: the build of \"hello\" failed with exit code 1: "
                    + COMPILE.formatted(Fixtures.apiLocation()) + " (in " + worker + ")"
                    + "; the running version stays: fix the error and save again\n"), printed.text());
            Thread.sleep(3 * DevServer.QUIET_PERIOD.toMillis());
            assertFalse(printed.text().contains("Not reloaded"), "the failed build deleted the classes: nothing reloads from that");
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"), "the running version serves");

            Files.writeString(source, good.replace("\"hello from \"", "\"fixed from \""));
            assertTrue(Await.body(server.url() + "/", "fixed").startsWith("fixed from dev"));
            assertEquals(1, printed.count("Reloaded hello "), printed.text());
            assertFalse(printed.text().contains("Not reloaded"), printed.text());
        }
    }

    @Test
    void aBuildThatFailsAtStartNamesItsExitCodeAndLastLinesAndNothingRuns() {
        Path config = config("echo compiling; echo 'error: boom' >&2; exit 3");
        BuildFailedException e = assertThrows(BuildFailedException.class, () -> start(config));
        assertEquals("the build of \"hello\" failed with exit code 3: echo compiling; echo 'error: boom' >&2; exit 3 (in "
                + worker + "); its last lines:\n  compiling\n  error: boom", e.getMessage());
        assertEquals("building hello: echo compiling; echo 'error: boom' >&2; exit 3\n  compiling\n  error: boom\n", printed.text());
    }

    @Test
    void aFailureKeepsOnlyTheLastTenLines() {
        BuildFailedException e = assertThrows(BuildFailedException.class,
                () -> start(config("for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line $i; done; exit 1")));
        assertEquals(List.of("line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "line 10", "line 11", "line 12"),
                e.lastLines());
    }

    @Test
    void everyConfigIsCheckedBeforeTheFirstBuildRuns() {
        Path first = config("touch built-marker");
        Path broken = WorkerDirs.config(dir, "broken", "{ \"name\": \"broken\", \"build\": { \"comand\": \"make\" } }");
        ConfigException e = assertThrows(ConfigException.class,
                () -> DevServer.start(List.of(first, broken), null, IngressSettings.defaults("127.0.0.1", 0), out));
        assertTrue(e.getMessage().startsWith(broken + ":1:32: unknown field \"comand\" in \"build\" (did you mean \"command\"?)"),
                e.getMessage());
        assertFalse(Files.exists(worker.resolve("built-marker")), "no build ran");
        assertEquals("", printed.text());
    }

    private void editGreeting(String greeting) throws IOException {
        Path source = worker.resolve("src/io/fixture/hello/HelloWorker.java");
        Files.writeString(source, Files.readString(source).replace("\"hello from \"", "\"" + greeting + "\""));
    }
}
