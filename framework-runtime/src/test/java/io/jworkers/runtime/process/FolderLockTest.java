package io.jworkers.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state folder is one host's: a second {@code jworkers serve} on it refuses to start, naming the
 * process that has it, and the first keeps serving; once the first is gone (even killed), a new
 * host starts on it.
 */
class FolderLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondServeOnTheSameFolderRefusesToStartNamingTheFirstAndAKilledHostLeavesTheFolderFree() throws Exception {
        Path state = dir.resolve("state");
        Path token = Files.writeString(dir.resolve("token"), ServeHarness.TOKEN);
        try (ForkedHost first = ForkedHost.serve(List.of(), state, token)) {
            List<String> command = new ArrayList<>(ForkedHost.javaCommand(List.of()));
            command.addAll(List.of("serve", "--state", state.toString(), "--ip", "127.0.0.1", "--port", "0",
                    "--admin-port", "0", "--token-file", token.toString()));
            Process second = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second host must not start");
            String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, second.exitValue(), output);
            assertTrue(output.contains("jworkers serve: The state folder " + state.toAbsolutePath() + " is in use by another"
                    + " jworkers serve (process " + first.pid() + "): one host per state folder. Stop that host first, or run"
                    + " several hosts on one PostgreSQL store (--store postgresql://USER@HOST:PORT/DB).\n"), output);
            assertEquals(200, Http.get(first.adminUrl() + "/v1/services", "authorization", "Bearer " + ServeHarness.TOKEN).statusCode(), "the first host serves on");
            first.kill();
        }
        try (ForkedHost next = ForkedHost.serve(List.of(), state, token)) {
            assertEquals(200, Http.get(next.adminUrl() + "/v1/services", "authorization", "Bearer " + ServeHarness.TOKEN).statusCode(),
                    "the OS released the lock of the killed host");
        }
    }
}
