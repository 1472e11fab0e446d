package io.jworkers.runtime.cli;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jworkers dev} refuses bad input before anything starts: a clear message, exit code 1
 * (2 for a wrong command line), and no listener on the port it was given.
 */
class DevCommandTest {

    @TempDir
    Path dir;
    private int port;
    private Path hello;

    @BeforeEach
    void setUp() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        hello = WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "hello" } }
                """.formatted(json(Fixtures.classes("hello"))));
    }

    private record Result(int code, String out, String err) {
    }

    private Result dev(Path... configs) {
        List<String> args = new ArrayList<>(List.of("dev", "--port", String.valueOf(port)));
        for (Path config : configs) {
            args.add("-c");
            args.add(config.toString());
        }
        return run(args);
    }

    private static Result run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void assertNothingListens() {
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }, "nothing may listen on the port after a failed start");
    }

    private Result failing(Path... configs) {
        Result result = dev(configs);
        assertEquals(1, result.code(), result.err());
        assertNothingListens();
        return result;
    }

    @Test
    void jsonSyntaxErrorNamesFileLineAndColumn() {
        Path bad = WorkerDirs.config(dir, "bad", "{\n  \"name\": \"bad\",\n  \"routes\": [\"/*\" \"/x\"]\n}\n");
        Result result = failing(hello, bad);
        assertEquals("jworkers dev: " + bad + ":3:19: field \"routes\": Unexpected character ('\"' (code 34)): "
                + "was expecting comma to separate Array entries\n", result.err());
    }

    @Test
    void missingNameIsNamed() {
        Path bad = WorkerDirs.config(dir, "noname", "{ \"routes\": [\"/*\"] }");
        Result result = failing(bad);
        assertEquals("jworkers dev: " + bad + ": field \"name\" is missing: every worker needs a name, which other "
                + "workers' service bindings use to call it, e.g. \"name\": \"auth\"\n", result.err());
    }

    @Test
    void serviceEntryWithoutServiceIsNamedByItsPath() {
        Path bad = WorkerDirs.config(dir, "nosvc", "{ \"name\": \"nosvc\", \"services\": [{ \"binding\": \"AUTH\" }] }");
        Result result = failing(bad);
        assertEquals("jworkers dev: " + bad + ":1:33: field \"services[0].service\" is missing: every service binding "
                + "names the worker it calls\n", result.err());
    }

    @Test
    void wrongTypeForAFieldNamesTheFieldAndPlace() {
        Path bad = WorkerDirs.config(dir, "wrongtype", "{\n  \"name\": \"wrongtype\",\n  \"routes\": \"/*\"\n}");
        Result result = failing(bad);
        assertEquals("jworkers dev: " + bad + ":3:13: field \"routes\": expected a list of strings\n", result.err());
    }

    @Test
    void classpathEntryThatDoesNotExistIsNamed() {
        Path bad = WorkerDirs.config(dir, "nocp", "{ \"name\": \"nocp\", \"classpath\": [\"target/nothing-here\"] }");
        Result result = failing(bad);
        assertEquals("jworkers dev: " + bad + ":1:33: field \"classpath[0]\": " + dir.resolve("nocp/target/nothing-here")
                + " does not exist (relative paths resolve against the config's folder; did you build the worker, "
                + "e.g. mvn package?)\n", result.err());
    }

    @Test
    void aBuildThatFailsStopsDevWithItsExitCodeAndLastLines() {
        Path bad = WorkerDirs.config(dir, "unbuildable", """
                { "name": "unbuildable", "build": { "command": "echo 'Main.java:3: error: ; expected'; exit 1" } }
                """);
        Result result = failing(bad);
        assertEquals("jworkers dev: the build of \"unbuildable\" failed with exit code 1: echo 'Main.java:3: error: ; expected';"
                + " exit 1 (in " + bad.getParent() + "); its last lines:\n  Main.java:3: error: ; expected\n", result.err());
        assertTrue(result.out().endsWith("building unbuildable: echo 'Main.java:3: error: ; expected'; exit 1\n"
                + "  Main.java:3: error: ; expected\n"), result.out());
    }

    @Test
    void noEntrypointIsExplained() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty-classes"));
        Path bad = WorkerDirs.config(dir, "noentry", "{ \"name\": \"noentry\", \"classpath\": [%s] }".formatted(json(empty)));
        Result result = failing(bad);
        assertEquals("jworkers dev: worker \"noentry\" (" + bad + "): no entrypoint found: no concrete class extends "
                + "io.jworkers.api.WorkerEntrypoint in [" + empty + "]. Write one (public, with a public no-argument "
                + "constructor), or check \"classpath\".\n", result.err());
    }

    @Test
    void twoEntrypointsAreListedWithTheFix() {
        Path bad = WorkerDirs.config(dir, "twoentries", "{ \"name\": \"twoentries\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("twoentries"))));
        Result result = failing(bad);
        assertEquals("jworkers dev: worker \"twoentries\" (" + bad + "): found 2 entrypoints: "
                + "io.fixture.twoentries.FirstWorker, io.fixture.twoentries.SecondWorker. "
                + "Set \"main\" in worker.jsonc to the one that serves this worker (or annotate the others with "
                + "@Entrypoint(\"name\") to make them named entrypoints).\n", result.err());
    }

    @Test
    void missingRequiredSecretIsNamedWithWhereToPutIt() {
        Path bad = WorkerDirs.config(dir, "needs", """
                { "name": "needs", "classpath": [%s], "vars": { "WHO": "x" }, "secrets": { "required": ["API_KEY"] } }
                """.formatted(json(Fixtures.classes("hello"))));
        Result result = failing(hello, bad);
        assertEquals("jworkers dev: worker \"needs\" requires secret \"API_KEY\", which is not set: add a line "
                + "API_KEY=... to " + dir.resolve("needs/.dev.vars") + "\n", result.err());
    }

    @Test
    void twoWorkersWithOneNameAreRefused() {
        Path twin = WorkerDirs.config(dir, "twin", """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "twin" } }
                """.formatted(json(Fixtures.classes("hello"))));
        Result result = failing(hello, twin);
        assertEquals("jworkers dev: Two configs name the worker \"hello\": " + hello + " and " + twin
                + ". Worker names must be unique; rename one.\n", result.err());
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitCode2() {
        Result result = run(List.of("dev", "--prot", "8787"));
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("jworkers dev: unknown option --prot (did you mean \"--port\"?)\n\nUsage: jworkers dev "), result.err());
    }

    @Test
    void badPortIsAUsageError() {
        Result result = run(List.of("dev", "--port", "eighty"));
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("jworkers dev: --port must be a number from 0 to 65535, got \"eighty\"\n"), result.err());
    }

    @Test
    void badTimeoutIsAUsageError() {
        Result result = run(List.of("dev", "--read-timeout", "soon"));
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("jworkers dev: --read-timeout must be a time such as 30s, 500ms or 2m, got \"soon\"\n"),
                result.err());
        Result serve = run(List.of("serve", "--state", dir.toString(), "--idle-timeout", "0s"));
        assertEquals(2, serve.code());
        assertTrue(serve.err().startsWith("jworkers serve: --idle-timeout must be a time such as 30s, 500ms or 2m, got \"0s\""),
                serve.err());
    }

    @Test
    void badBodyLimitIsAUsageErrorNamingTheCommand() {
        Result dev = run(List.of("dev", "--max-body", "lots"));
        assertEquals(2, dev.code());
        assertTrue(dev.err().startsWith("jworkers dev: --max-body must be a size such as 100MiB, 2GiB or 1048576, got \"lots\"\n"),
                dev.err());
        Result serve = run(List.of("serve", "--state", dir.toString(), "--max-body", "0"));
        assertEquals(2, serve.code());
        assertTrue(serve.err().startsWith("jworkers serve: --max-body must be a size such as 100MiB, 2GiB or 1048576, got \"0\"\n"),
                serve.err());
    }

    @Test
    void clientTimeoutsTakeMillisecondsSecondsMinutesOrPlainSeconds() {
        assertEquals(Duration.ofMillis(500), DevCommand.parseDuration("dev", "--read-timeout", "500ms"));
        assertEquals(Duration.ofSeconds(30), DevCommand.parseDuration("dev", "--read-timeout", "30s"));
        assertEquals(Duration.ofMinutes(2), DevCommand.parseDuration("dev", "--idle-timeout", "2m"));
        assertEquals(Duration.ofSeconds(90), DevCommand.parseDuration("dev", "--idle-timeout", "90"));
        List<CommandLine.Option> options = List.of(new CommandLine.Option("--read-timeout", null, "TIME", ""),
                new CommandLine.Option("--idle-timeout", null, "TIME", ""));
        IngressSettings defaults = IngressSettings.defaults("127.0.0.1", 0);
        IngressSettings set = DevCommand.clientTimeouts("dev", CommandLine.parse("dev", options,
                List.of("--read-timeout", "10s", "--idle-timeout=2m")), defaults);
        assertEquals(Duration.ofSeconds(10), set.readTimeout());
        assertEquals(Duration.ofMinutes(2), set.idleTimeout());
        IngressSettings unset = DevCommand.clientTimeouts("dev", CommandLine.parse("dev", options, List.of()), defaults);
        assertEquals(IngressSettings.DEFAULT_READ_TIMEOUT, unset.readTimeout());
        assertEquals(IngressSettings.DEFAULT_IDLE_TIMEOUT, unset.idleTimeout());
    }

    @Test
    void maxConnectionsTakesAPositiveNumberAndDefaultsToHalfTheOpenFileLimit() {
        Result dev = run(List.of("dev", "--max-connections", "0"));
        assertEquals(2, dev.code());
        assertTrue(dev.err().startsWith("jworkers dev: --max-connections must be a number from 1 to 1000000, got \"0\"\n"),
                dev.err());
        Result serve = run(List.of("serve", "--state", dir.toString(), "--max-connections", "many"));
        assertEquals(2, serve.code());
        assertTrue(serve.err().startsWith("jworkers serve: --max-connections must be a number from 1 to 1000000, got \"many\"\n"),
                serve.err());
        List<CommandLine.Option> options = List.of(new CommandLine.Option("--max-connections", null, "N", ""));
        IngressSettings defaults = IngressSettings.defaults("127.0.0.1", 0);
        assertEquals(500, DevCommand.maxConnections("dev", CommandLine.parse("dev", options,
                List.of("--max-connections", "500")), defaults).maxConnections());
        long fileLimit = io.jworkers.runtime.http.ConnectionLimits.fileDescriptorLimit().orElseThrow();
        assertEquals(Math.min(10_000, fileLimit / 2), DevCommand.maxConnections("dev", CommandLine.parse("dev", options,
                List.of()), defaults).maxConnections());
        assertTrue(run(List.of("dev", "--help")).out().contains("--max-connections N"));
        assertTrue(run(List.of("serve", "--help")).out().contains("--max-connections N"));
    }

    @Test
    void everyCommandExplainsItselfWithHelp() {
        Result dev = run(List.of("dev", "--help"));
        assertEquals(0, dev.code());
        assertTrue(dev.out().startsWith("Usage: jworkers dev [-c CONFIG]..."), dev.out());
        assertTrue(dev.out().contains("--read-timeout TIME") && dev.out().contains("--idle-timeout TIME"), dev.out());
        Result deploy = run(List.of("deploy", "--help"));
        assertEquals(0, deploy.code());
        assertTrue(deploy.out().contains("jworkers deploy -c CONFIG [--env NAME]"), deploy.out());
        assertTrue(run(List.of("serve", "-h")).out().startsWith("Usage: jworkers serve --state DIR"));
    }

    @Test
    void unknownCommandIsAUsageError() {
        Result result = run(List.of("deploy-all"));
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("jworkers: unknown command \"deploy-all\"\n"), result.err());
    }
}
