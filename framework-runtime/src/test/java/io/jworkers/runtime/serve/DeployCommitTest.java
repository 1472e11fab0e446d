package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every check of a deploy happens before its commit, including loading the version's classes and
 * running its {@code start()} — once, on the version that then takes over, not on a trial copy.
 * A refused deploy answers 4xx with the reason, changes nothing, and a restart still runs the
 * version that was current.
 */
class DeployCommitTest {

    @TempDir
    Path state;
    @TempDir
    Path work;

    private Path starter(String who, String extra) {
        return WorkerDirs.config(work, who, """
                { "name": "starter", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "%s" %s } %s }
                """.formatted(json(Fixtures.classes("starter")), who, who.equals("v3") ? ", \"START\": \"fail\"" : "", extra));
    }

    private Set<String> stateFiles() throws IOException {
        try (Stream<Path> files = Files.walk(state)) {
            return files.map(p -> state.relativize(p).toString()).filter(p -> !p.startsWith("staging"))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    private static int property(String name) {
        return Integer.getInteger(name, 0);
    }

    @Test
    void aVersionThatDoesNotLoadOrStartIsRefusedBeforeTheCommitAndARestartRunsTheCurrentOne() throws Exception {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            assertEquals(0, host.cli("", "deploy", "-c", starter("v1", "").toString()).code());
            Set<String> before = stateFiles();

            ServeHarness.Cli noMain = host.cli("", "deploy", "-c", starter("v2", ", \"main\": \"io.fixture.starter.Missing\"").toString());
            assertEquals(1, noMain.code());
            assertEquals("jworkers deploy: Deploy of \"starter\" refused, its classes do not load: worker \"starter\": \"main\""
                    + " names io.fixture.starter.Missing, which is not on the worker's classpath [bundle:classpath/0]. Check the"
                    + " class name and that the worker is built.\n", noMain.err());

            ServeHarness.Cli failingStart = host.cli("", "deploy", "-c", starter("v3", "").toString());
            assertEquals(1, failingStart.code());
            assertTrue(failingStart.err().startsWith("jworkers deploy: Deploy of \"starter\" refused, its classes do not load:"
                    + " worker \"starter\": "), failingStart.err());
            assertTrue(failingStart.err().contains("cannot reach the database at start"), failingStart.err());

            assertEquals(before, stateFiles(), "the refused deploys changed nothing");
            assertEquals("v1 started 1 time(s)", Http.get(host.url() + "/").body());
        }
        try (ServeHarness restarted = ServeHarness.start(state, work)) {
            assertEquals("v1 started 1 time(s)", Http.get(restarted.url() + "/").body());
            assertEquals(1, restarted.serve().store().versions("starter", "production").size());
        }
    }

    @Test
    void startRunsOnceForEachDeployedVersionAndStopOnceWhenItIsReplaced() throws Exception {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            int starts = property("starter.starts");
            int stops = property("starter.stops");
            assertEquals(0, host.cli("", "deploy", "-c", starter("v1", "").toString()).code());
            assertEquals(starts + 1, property("starter.starts"), "no trial copy is started");
            assertEquals(stops, property("starter.stops"));
            assertEquals(0, host.cli("", "deploy", "-c", starter("v2", "").toString()).code());
            assertEquals("v2 started 1 time(s)", Http.get(host.url() + "/").body());
            assertEquals(starts + 2, property("starter.starts"));
            Await.until(() -> property("starter.stops") != stops); // the replaced version stops once drained
            assertEquals(stops + 1, property("starter.stops"));
        }
    }

    @Test
    void aClassInitialiserThatThrowsIsARefusedDeployAndABrokenWorkerAtStartNeverAStoppedHost() throws Exception {
        Path config = WorkerDirs.config(work, "static", """
                { "name": "static", "classpath": [%s], "routes": ["/s/*"], "vars": { "WHO": "one" } }
                """.formatted(json(Fixtures.classes("staticfail"))));
        Path other = starter("other", "");
        try (ServeHarness host = ServeHarness.start(state, work)) {
            assertEquals(0, host.cli("", "deploy", "-c", config.toString()).code());
            assertEquals(0, host.cli("", "deploy", "-c", other.toString()).code());
            Set<String> before = stateFiles();
            System.setProperty("staticfail.boom", "on");
            try {
                ServeHarness.Cli refused = host.cli("", "deploy", "-c", config.toString(), "-m", "again");
                assertEquals(1, refused.code());
                assertTrue(refused.err().startsWith("jworkers deploy: Deploy of \"static\" refused, its classes do not load:"
                        + " worker \"static\": a class of the worker does not load or initialise:"
                        + " java.lang.ExceptionInInitializerError"), refused.err());
                assertEquals(before, stateFiles(), "the refused deploy left nothing behind");
            } finally {
                System.clearProperty("staticfail.boom");
            }
        }
        System.setProperty("staticfail.boom", "on");
        try (ServeHarness restarted = ServeHarness.start(state, work)) {
            assertEquals("other started 1 time(s)", Http.get(restarted.url() + "/").body(), "the other worker serves");
            String services = restarted.cli("", "services").out();
            assertTrue(services.contains("static (production)  version 1  NOT RUNNING  routes /s/*\n  problem: version 1 of"
                    + " production does not load: worker \"static\": a class of the worker does not load or initialise:"
                    + " java.lang.ExceptionInInitializerError. Deploy a fixed version, or roll back: jworkers rollback static\n"),
                    services);
        } finally {
            System.clearProperty("staticfail.boom");
        }
    }

    @Test
    void aVersionWhoseSecondEntrypointFailsToStartStopsTheFirstAgain() throws Exception {
        Path config = WorkerDirs.config(work, "half", """
                { "name": "half", "classpath": [%s], "main": "io.fixture.halfstart.FirstWorker" }
                """.formatted(json(Fixtures.classes("halfstart"))));
        try (ServeHarness host = ServeHarness.start(state, work)) {
            int starts = property("halfstart.starts");
            int stops = property("halfstart.stops");
            ServeHarness.Cli refused = host.cli("", "deploy", "-c", config.toString());
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("io.fixture.halfstart.SecondWorker.start() threw java.lang.IllegalStateException:"
                    + " the second entrypoint cannot start"), refused.err());
            assertEquals(starts + 1, property("halfstart.starts"), "the first entrypoint had started");
            assertEquals(stops + 1, property("halfstart.stops"), "and it was stopped again");
        }
    }
}
