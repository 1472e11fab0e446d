package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a worker prints or logs outside its requests (class initialiser, constructor, start(),
 * stop()) carries its name, as request-time output does, in a real {@code jworkers dev} process.
 */
class LifecycleOutputTest {

    @TempDir
    Path dir;

    @Test
    void outputAndLogRecordsOfEveryLifeStepCarryTheWorkersPrefix() throws Exception {
        Path config = WorkerDirs.config(dir, "chatty", """
                { "name": "chatty", "classpath": [%s], "routes": ["/*"] }
                """.formatted(json(Fixtures.classes("chatty"))));
        try (ForkedHost host = ForkedHost.dev(List.of(), List.of("-c", config.toString()))) {
            assertEquals("chatty", Http.get(host.url() + "/").body());
            host.terminate();
            assertEquals(0, host.waitForExit(30));
            List<String> output = host.output();
            for (String line : List.of("[chatty] chatty: static initialiser", "[chatty] chatty: constructor",
                    "[chatty] chatty: start", "[chatty] chatty: request", "[chatty] chatty: stop")) {
                assertTrue(output.contains(line), "expected the line \"" + line + "\" in " + output);
            }
            for (String step : List.of("the static initialiser", "start", "stop")) {
                assertTrue(output.stream().anyMatch(l -> l.matches(".* INFO  io\\.fixture\\.chatty \\[chatty\\] chatty: logged in " + step)),
                        "expected the log record of " + step + " with the worker's prefix in " + output);
            }
            assertTrue(output.stream().noneMatch(l -> l.startsWith("chatty:")), "no unprefixed worker line: " + output);
        }
    }
}
