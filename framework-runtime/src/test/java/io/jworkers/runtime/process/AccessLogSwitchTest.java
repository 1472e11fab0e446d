package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.cli.Main;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --access-log off|console|file} and {@code --access-log-file} of dev and serve, in real
 * processes: where the line per request goes, and the clear refusals of bad values.
 */
class AccessLogSwitchTest {

    private static final Pattern ACCESS_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z INFO  ingress GET /hello 200 \\d+\\.\\dms id=\\S+ workers=chatty@1:\\d+\\.\\dms");

    @TempDir
    Path dir;

    private Path config() throws Exception {
        return WorkerDirs.config(dir, "chatty", """
                { "name": "chatty", "classpath": [%s], "routes": ["/*"] }
                """.formatted(json(Fixtures.classes("chatty"))));
    }

    @Test
    void consoleIsTheDefaultAndFileAppendsTheLinesToTheFileOnly() throws Exception {
        Path config = config();
        try (ForkedHost host = ForkedHost.dev(List.of(), List.of("-c", config.toString()))) {
            assertEquals(200, Http.get(host.url() + "/hello").statusCode());
            host.awaitOutput("GET /hello 200", 30);
            assertTrue(host.output().stream().anyMatch(line -> ACCESS_LINE.matcher(line).matches()), host.output().toString());
        }
        Path file = dir.resolve("logs/access.log");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "an earlier line\n");
        try (ForkedHost host = ForkedHost.dev(List.of(), List.of("-c", config.toString(), "--access-log-file", file.toString()))) {
            assertTrue(host.output().contains("jworkers dev: access log in " + file.toAbsolutePath()), host.output().toString());
            assertEquals(200, Http.get(host.url() + "/hello").statusCode());
            assertEquals(200, Http.get(host.url() + "/hello").statusCode());
            host.terminate();
            assertEquals(0, host.waitForExit(30));
            List<String> lines = Files.readAllLines(file);
            assertEquals(3, lines.size(), lines.toString());
            assertEquals("an earlier line", lines.get(0));
            assertTrue(ACCESS_LINE.matcher(lines.get(1)).matches(), lines.get(1));
            assertTrue(ACCESS_LINE.matcher(lines.get(2)).matches(), lines.get(2));
            assertTrue(host.output().stream().noneMatch(line -> line.contains("GET /hello")), host.output().toString());
            // The worker's own output still goes to the console.
            assertTrue(host.output().contains("[chatty] chatty: request"), host.output().toString());
        }
    }

    @Test
    void offWritesNoLineAndServeSaysSo() throws Exception {
        Path token = dir.resolve("token");
        try (ForkedHost host = ForkedHost.serve(List.of(), dir.resolve("state"), token, List.of("--access-log", "off"))) {
            assertTrue(host.output().stream().anyMatch(line -> line.startsWith("Serving on ") && line.endsWith("; access log off")),
                    host.output().toString());
            assertEquals(404, Http.get(host.url() + "/nothing-here").statusCode());
            host.terminate();
            assertEquals(0, host.waitForExit(30));
            assertTrue(host.output().stream().noneMatch(line -> line.contains(" ingress GET")), host.output().toString());
        }
    }

    @Test
    void badValuesAreRefusedBeforeAnythingStarts() throws Exception {
        Path config = config();
        Ran refused = run(List.of("dev", "-c", config.toString(), "--access-log", "loud"));
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith("jworkers dev: --access-log is off, console or file, not \"loud\"\n"), refused.err());
        refused = run(List.of("serve", "--state", dir.resolve("s").toString(), "--access-log", "off",
                "--access-log-file", "a.log"));
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith(
                "jworkers serve: --access-log-file names the file of --access-log file, not of --access-log off\n"), refused.err());
        assertTrue(Files.notExists(dir.resolve("s")), "serve opened no state folder");
        Path missing = dir.resolve("no-such-folder/access.log");
        refused = run(List.of("dev", "-c", config.toString(), "--port", "0", "--admin-port", "0",
                "--access-log", "file", "--access-log-file", missing.toString()));
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith("jworkers dev: cannot open the access log file " + missing.toAbsolutePath() + ": "),
                refused.err());
        assertTrue(Files.notExists(missing.getParent()));
    }

    private record Ran(int code, String err) {
    }

    private static Ran run(List<String> args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = Main.run(args, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        return new Ran(code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
