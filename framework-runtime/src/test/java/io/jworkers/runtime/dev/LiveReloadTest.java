package io.jworkers.runtime.dev;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.bridge.EntrypointRules;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.Printed;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jworkers dev} reloads a worker when its classes change, and keeps it when the new ones are broken. */
class LiveReloadTest {

    private static final String HELLO = "io/fixture/hello/HelloWorker.class";
    private static final String LATE = "io/fixture/hello/Late.class";
    /** Longer than the quiet period, as the seconds Maven's compiler takes between deleting and writing classes. */
    private static final long BUILD_STEP_MS = 3 * DevServer.QUIET_PERIOD.toMillis();

    @TempDir
    Path dir;

    private final Printed printed = new Printed();
    private final PrintStream out = printed.stream();

    @Test
    void aRecompiledClassIsServedByANewVersionAndABrokenOneLeavesTheRunningVersion() throws Exception {
        Path classes = copyOf(Fixtures.classes("hello"), dir.resolve("classes"));
        Path config = helloConfig(classes);
        try (DevServer server = DevServer.start(List.of(config), null, "127.0.0.1", 0)) {
            server.watchForChanges(out);
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"));
            assertTrue(Http.get(server.url() + "/version").body().startsWith("production/1 1 production [] 0 "));

            recompileWithGreeting(classes, "howdy from ");
            String body = Await.body(server.url() + "/", "howdy");
            assertTrue(body.startsWith("howdy from dev"), body);
            assertTrue(Http.get(server.url() + "/version").body().startsWith("production/2 2 production [] 0 "),
                    "each reload is a new version");
            assertTrue(printed.text().matches("(?s)Reloaded hello \\(\\d+ ms\\): its classes changed\\n.*"), printed.text());

            Files.write(classes.resolve(HELLO), new byte[] {1, 2, 3});
            Await.until(() -> printed.text().contains("Not reloaded"));
            assertTrue(printed.text().contains("Not reloaded hello: "), printed.text());
            assertTrue(printed.text().contains("(the running version stays; fix it and build again)"));
            assertEquals(200, Http.get(server.url() + "/").statusCode());
            assertTrue(Http.get(server.url() + "/").body().startsWith("howdy from dev"), "the running version still serves");
        }
    }

    @Test
    void aBuildThatDeletesTheClassesAndWritesTheNewOnesSecondsLaterReloadsOnceWithNoFalseError() throws Exception {
        Path classes = copyOf(Fixtures.classes("hello"), dir.resolve("classes"));
        Path rebuilt = compileWithGreeting(dir.resolve("rebuilt"), "howdy from ");
        try (DevServer server = DevServer.start(List.of(helloConfig(classes)), null, "127.0.0.1", 0)) {
            server.watchForChanges(out);
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"));

            // As Maven's incremental compile: the stale classes (and their folder) go first...
            deleteTree(classes);
            Thread.sleep(BUILD_STEP_MS);
            // ...then javac writes the new ones, one by one.
            copy(rebuilt, classes, LATE);
            Thread.sleep(BUILD_STEP_MS);
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"), "the running version serves meanwhile");
            copy(rebuilt, classes, HELLO);

            assertTrue(Await.body(server.url() + "/", "howdy").startsWith("howdy from dev"));
            Thread.sleep(BUILD_STEP_MS); // nothing else may follow
            assertEquals(1, printed.count("Reloaded hello "), printed.text());
            assertFalse(printed.text().contains("Not reloaded"), printed.text());
            assertTrue(Http.get(server.url() + "/version").body().startsWith("production/2 2 "), "one reload, one new version");
        }
    }

    /**
     * While a classpath is incomplete the watcher asks again every quiet period, and the check reads
     * the files themselves: it can find the build's last class before the watcher has the event for
     * writing it (the JDK delivers watch events on a thread of its own; on a loaded machine, late).
     * Loaded at once, the late event then settles into a second reload of the same classes, or, had
     * the class been half-written, a false error followed by a reload.
     */
    @Test
    void aClasspathCompletedSinceTheLastAskIsLoadedOnlyAfterAnotherQuietPeriod() throws Exception {
        Path classes = copyOf(Fixtures.classes("hello"), dir.resolve("classes"));
        Path rebuilt = compileWithGreeting(dir.resolve("rebuilt"), "howdy from ");
        try (DevServer server = DevServer.start(List.of(helloConfig(classes)), null, "127.0.0.1", 0)) {
            LiveReload reload = new LiveReload(Map.of("hello", server.configs().getFirst()), Map.of("hello", Secrets.NONE),
                    server.host(), out, LiveReload.DEFAULT_SETTLE_LIMIT);

            Files.delete(classes.resolve(HELLO));
            assertFalse(reload.settled("hello", DevServer.QUIET_PERIOD), "incomplete: asked again after a quiet period");
            copy(rebuilt, classes, HELLO); // its event not reported yet
            assertFalse(reload.settled("hello", DevServer.QUIET_PERIOD), "complete only since the last ask: asked again");
            assertEquals("", printed.text());
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"), "the running version serves meanwhile");

            // One quiet period later (the late event, had there been one, restarted it): loaded, once.
            assertTrue(reload.settled("hello", DevServer.QUIET_PERIOD));
            assertTrue(printed.text().matches("Reloaded hello \\(\\d+ ms\\): its classes changed\n"), printed.text());
            assertTrue(Http.get(server.url() + "/").body().startsWith("howdy from dev"));
        }
    }

    @Test
    void aWorkerManifestListingAClassNotWrittenYetHoldsTheReloadUntilTheClassIsThere() throws Exception {
        Path classes = copyOf(Fixtures.classes("hello"), dir.resolve("classes"));
        String manifest = "{\"version\":1,\"entrypoints\":[{\"class\":\"io.fixture.hello.HelloWorker\","
                + "\"name\":\"HelloWorker\",\"methods\":[]}]}\n";
        WorkerDirs.write(classes.resolve(EntrypointRules.MANIFEST), manifest);
        Path rebuilt = compileWithGreeting(dir.resolve("rebuilt"), "howdy from ");
        try (DevServer server = DevServer.start(List.of(helloConfig(classes)), null, "127.0.0.1", 0)) {
            server.watchForChanges(out);

            Files.delete(classes.resolve(HELLO));
            Files.delete(classes.resolve(LATE));
            Thread.sleep(BUILD_STEP_MS);
            WorkerDirs.write(classes.resolve(EntrypointRules.MANIFEST), manifest); // the processor writes it first
            copy(rebuilt, classes, LATE);
            Thread.sleep(BUILD_STEP_MS);
            copy(rebuilt, classes, HELLO);

            assertTrue(Await.body(server.url() + "/", "howdy").startsWith("howdy from dev"));
            Thread.sleep(BUILD_STEP_MS);
            assertEquals(1, printed.count("Reloaded hello "), printed.text());
            assertFalse(printed.text().contains("Not reloaded"), printed.text());
        }
    }

    @Test
    void aClasspathThatStaysIncompleteIsReportedOnceAfterTheSettleLimitAndTheRunningVersionStays() throws Exception {
        Path classes = copyOf(Fixtures.classes("hello"), dir.resolve("classes"));
        try (DevServer server = DevServer.start(List.of(helloConfig(classes)), null, "127.0.0.1", 0)) {
            server.watchForChanges(out, Duration.ofSeconds(1));

            Files.delete(classes.resolve(HELLO));
            Await.until(() -> printed.text().contains("Not reloaded"));
            Thread.sleep(1000 + BUILD_STEP_MS); // a second settle limit: no second message
            assertEquals(1, printed.count("Not reloaded hello: "), printed.text());
            assertTrue(printed.text().startsWith("Not reloaded hello: its classpath still lacks " + HELLO + ", 1 s after it last"
                    + " changed, and loading it anyway failed: worker \"hello\" ("), printed.text());
            assertTrue(printed.text().contains("no entrypoint found"), printed.text());
            assertTrue(printed.text().endsWith(". (the running version stays; fix it and build again)\n"), printed.text());
            assertEquals(0, printed.count("Reloaded hello "), printed.text());
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"), "the running version still serves");
        }
    }

    @Test
    void aClassFolderDeletedWithItsParentAndBuiltAgainIsStillWatched() throws Exception {
        Path classes = copyOf(Fixtures.classes("hello"), dir.resolve("target/classes"));
        Path rebuilt = compileWithGreeting(dir.resolve("rebuilt"), "howdy from ");
        try (DevServer server = DevServer.start(List.of(helloConfig(classes)), null, "127.0.0.1", 0)) {
            server.watchForChanges(out);

            deleteTree(dir.resolve("target")); // mvn clean
            Thread.sleep(BUILD_STEP_MS);
            Files.createDirectories(classes);
            Thread.sleep(BUILD_STEP_MS);
            copy(rebuilt, classes, LATE);
            copy(rebuilt, classes, HELLO);

            assertTrue(Await.body(server.url() + "/", "howdy").startsWith("howdy from dev"));
            assertEquals(1, printed.count("Reloaded hello "), printed.text());
            assertFalse(printed.text().contains("Not reloaded"), printed.text());
        }
    }

    private Path helloConfig(Path classes) {
        return WorkerDirs.config(dir, "hello", "{ \"name\": \"hello\", \"classpath\": [%s], \"vars\": { \"WHO\": \"dev\" } }"
                .formatted(json(classes)));
    }

    private static Path copyOf(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    private static void copy(Path from, Path to, String file) throws IOException {
        Files.createDirectories(to.resolve(file).getParent());
        Files.copy(from.resolve(file), to.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private void recompileWithGreeting(Path classes, String greeting) throws IOException {
        compileWithGreeting(classes, greeting);
    }

    private Path compileWithGreeting(Path classes, String greeting) throws IOException {
        Path sources = dir.resolve("src/io/fixture/hello");
        Files.createDirectories(sources);
        Path fixture = Path.of("src/test/fixtures/hello/io/fixture/hello");
        Files.writeString(sources.resolve("HelloWorker.java"),
                Files.readString(fixture.resolve("HelloWorker.java")).replace("\"hello from \"", "\"" + greeting + "\""));
        Files.copy(fixture.resolve("Late.java"), sources.resolve("Late.java"), StandardCopyOption.REPLACE_EXISTING);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "--release", "21", "-proc:none", "-d", classes.toString(),
                "-classpath", Fixtures.apiLocation().toString(),
                sources.resolve("HelloWorker.java").toString(), sources.resolve("Late.java").toString());
        assertEquals(0, result, "the changed worker compiles");
        return classes;
    }
}
