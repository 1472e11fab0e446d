package io.jworkers.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jworkers deploy} runs the worker's {@code build} before it packs the worker, and deploys nothing when it fails. */
class DeployBuildTest {

    @TempDir
    Path dir;
    private ServeHarness serve;
    private Path worker;

    @BeforeEach
    void start() throws IOException {
        serve = ServeHarness.start(dir.resolve("state"), Files.createDirectories(dir.resolve("scratch")));
        worker = dir.resolve("hello");
        Path fixture = Path.of("src/test/fixtures/hello/io/fixture/hello");
        for (String file : List.of("HelloWorker.java", "Late.java")) {
            WorkerDirs.write(worker.resolve("src/io/fixture/hello").resolve(file), Files.readString(fixture.resolve(file)));
        }
    }

    @AfterEach
    void stop() {
        serve.close();
    }

    private Path config(String command) {
        return WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": ["classes"], "routes": ["/*"], "vars": { "WHO": "built" },
                  "build": { "command": "%s" } }
                """.formatted(command));
    }

    @Test
    void theBuildRunsBeforeTheWorkerIsPackedAndDeployed() {
        assertFalse(Files.exists(worker.resolve("classes")));
        ServeHarness.Cli deployed = serve.cli("", "deploy", "-c", config(
                "javac --release 21 -proc:none -d classes -cp '" + Fixtures.apiLocation() + "' src/io/fixture/hello/*.java").toString());
        assertEquals(0, deployed.code(), deployed.err());
        assertTrue(deployed.out().matches("(?s)building hello: javac .*\\nbuilt hello \\(\\d+\\.\\d s\\)\\n"
                + "Deploying hello to production \\(bundle \\d+ KiB\\)\\.\\.\\.\\nDeployed hello version 1 to production .*"),
                deployed.out());
        assertTrue(Http.get(serve.url() + "/").body().startsWith("hello from built"));
    }

    @Test
    void aFailedBuildDeploysNothing() {
        ServeHarness.Cli refused = serve.cli("", "deploy", "-c", config("echo cannot compile; exit 2").toString());
        assertEquals(1, refused.code());
        assertEquals("jworkers deploy: the build of \"hello\" failed with exit code 2: echo cannot compile; exit 2 (in "
                + worker + "); its last lines:\n  cannot compile\n", refused.err());
        assertEquals("building hello: echo cannot compile; exit 2\n  cannot compile\n", refused.out());
        assertEquals("", serve.cli("", "services").out(), "nothing was deployed");
    }
}
