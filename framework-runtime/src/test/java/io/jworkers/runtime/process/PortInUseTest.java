package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port in use, as a user meets it: the CLI in a process of its own prints exactly the one line
 * of docs/errors.md (JW-CLI-PORT-IN-USE) on standard error, no stack trace of Helidon's before it,
 * and exits 1; for the public port of {@code dev} and of {@code serve}, and for the admin port.
 */
class PortInUseTest {

    @TempDir
    Path dir;

    @Test
    void devOnAPortInUseSaysSoInOneLine() throws Exception {
        Path config = WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "hello" } }
                """.formatted(json(Fixtures.classes("hello"))));
        try (ServerSocket taken = taken()) {
            Run run = run(List.of("dev", "--port", String.valueOf(taken.getLocalPort()), "-c", config.toString()));
            assertEquals(1, run.code(), run.toString());
            assertEquals("jworkers dev: cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (Address already in use);"
                    + " stop the process that uses it, or pick another port with --port (0 picks a free one)\n", run.err());
        }
    }

    @Test
    void serveOnAPublicPortInUseSaysSoInOneLine() throws Exception {
        try (ServerSocket taken = taken()) {
            Run run = run(serve("--port", String.valueOf(taken.getLocalPort()), "--admin-port", "0"));
            assertEquals(1, run.code(), run.toString());
            assertEquals("jworkers serve: cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (Address already in use);"
                    + " stop the process that uses it, or pick another port with --port (0 picks a free one)\n", run.err());
        }
    }

    @Test
    void serveOnAnAdminPortInUseSaysSoInOneLine() throws Exception {
        try (ServerSocket taken = taken()) {
            Run run = run(serve("--port", "0", "--admin-port", String.valueOf(taken.getLocalPort())));
            assertEquals(1, run.code(), run.toString());
            assertEquals("jworkers serve: cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (Address already in use);"
                    + " stop the process that uses it, or pick another port with --admin-port (0 picks a free one)\n",
                    run.err());
            assertTrue(run.out().startsWith("jworkers serve: opening "), run.toString());
        }
    }

    private List<String> serve(String... ports) throws IOException {
        // Owner-only, as a token file should be (else serve warns about it on standard error too).
        Path token = Files.writeString(dir.resolve("token"), "port-token-for-tests\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> arguments = new ArrayList<>(List.of("serve", "--state", dir.resolve("state").toString(), "--ip",
                "127.0.0.1", "--admin-ip", "127.0.0.1", "--token-file", token.toString()));
        arguments.addAll(List.of(ports));
        return arguments;
    }

    private static ServerSocket taken() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(List<String> arguments) throws Exception {
        List<String> command = ForkedHost.javaCommand(List.of());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not exit in 60 s");
        }
        return new Run(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }
}
