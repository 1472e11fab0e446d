package io.jworkers.runtime.dev;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jworkers dev} reloads a worker when its classes change, and keeps it when the new ones are broken. */
class LiveReloadTest {

    @TempDir
    Path dir;

    @Test
    void aRecompiledClassIsServedByANewVersionAndABrokenOneLeavesTheRunningVersion() throws Exception {
        Path classes = copyOf(Fixtures.classes("hello"), dir.resolve("classes"));
        Path config = WorkerDirs.config(dir, "hello", "{ \"name\": \"hello\", \"classpath\": [%s], \"vars\": { \"WHO\": \"dev\" } }"
                .formatted(json(classes)));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (DevServer server = DevServer.start(List.of(config), null, "127.0.0.1", 0)) {
            server.watchForChanges(out);
            assertTrue(Http.get(server.url() + "/").body().startsWith("hello from dev"));
            assertTrue(Http.get(server.url() + "/version").body().startsWith("production/1 1 production [] 0 "));

            recompileWithGreeting(classes, "howdy from ");
            String body = "";
            for (int i = 0; i < 500 && !body.startsWith("howdy"); i++) {
                Thread.sleep(20);
                body = Http.get(server.url() + "/").body();
            }
            assertTrue(body.startsWith("howdy from dev"), body);
            assertTrue(Http.get(server.url() + "/version").body().startsWith("production/2 2 production [] 0 "),
                    "each reload is a new version");
            assertTrue(printed.toString(StandardCharsets.UTF_8).matches("(?s)Reloaded hello \\(\\d+ ms\\): its classes changed\\n.*"),
                    printed.toString(StandardCharsets.UTF_8));

            Files.write(classes.resolve("io/fixture/hello/HelloWorker.class"), new byte[] {1, 2, 3});
            for (int i = 0; i < 500 && !printed.toString(StandardCharsets.UTF_8).contains("Not reloaded"); i++) {
                Thread.sleep(20);
            }
            assertTrue(printed.toString(StandardCharsets.UTF_8).contains("Not reloaded hello: "), printed.toString(StandardCharsets.UTF_8));
            assertTrue(printed.toString(StandardCharsets.UTF_8).contains("(the running version stays; fix it and build again)"));
            assertEquals(200, Http.get(server.url() + "/").statusCode());
            assertTrue(Http.get(server.url() + "/").body().startsWith("howdy from dev"), "the running version still serves");
        }
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

    private void recompileWithGreeting(Path classes, String greeting) throws IOException {
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
    }
}
