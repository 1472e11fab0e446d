package io.jworkers.runtime.pipeline;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request may pass through at most 32 workers: chain-1 → chain-2 → … → chain-33, and a cycle
 * ping → pong → ping …, all separate workers with their own loaders.
 */
class PipelineDepthTest {

    private static final String EXCEEDED = "io.jworkers.api.PipelineDepthExceededException: "
            + "Subrequest depth limit exceeded: this request recursed through workers too many times (limit 32): ";
    private static final String WHAT_TO_DO = " at depth 32; look for a cycle of service bindings (A -> B -> A)"
            + " or make the chain shorter";

    @TempDir
    static Path dir;
    private static DevServer chain;
    private static DevServer cycle;

    @BeforeAll
    static void start() {
        Path classes = Fixtures.classes("chain");
        List<Path> configs = new ArrayList<>();
        for (int i = 1; i <= 33; i++) {
            configs.add(WorkerDirs.config(dir, "chain-" + i, """
                    { "name": "chain-%d", "main": "io.fixture.chain.ChainWorker", "classpath": [%s],
                      "vars": { "ME": "chain-%d" }, "services": [{ "binding": "NEXT", "service": "chain-%d" }] }
                    """.formatted(i, json(classes), i, i + 1)));
        }
        chain = DevServer.start(configs, null, "127.0.0.1", 0);
        Path ping = WorkerDirs.config(dir, "ping", """
                { "name": "ping", "classpath": [%s], "vars": { "ME": "ping" },
                  "services": [{ "binding": "NEXT", "service": "pong" }] }
                """.formatted(json(classes)));
        Path pong = WorkerDirs.config(dir, "pong", """
                { "name": "pong", "classpath": [%s], "vars": { "ME": "pong" },
                  "services": [{ "binding": "NEXT", "service": "ping" }] }
                """.formatted(json(classes)));
        cycle = DevServer.start(List.of(ping, pong), null, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        chain.close();
        cycle.close();
    }

    @Test
    void chainOf32WorkersSucceeds() {
        HttpResponse<String> response = Http.get(chain.url() + "/?hops=31");
        assertEquals(200, response.statusCode());
        assertEquals("reached depth 32 at chain-32", response.body());
    }

    @Test
    void the33rdWorkerCallThrowsPipelineDepthExceeded() {
        HttpResponse<String> response = Http.get(chain.url() + "/?hops=32");
        assertEquals(508, response.statusCode());
        assertEquals(EXCEEDED + "worker \"chain-32\" called worker \"chain-33\"" + WHAT_TO_DO, response.body());
    }

    @Test
    void aCycleStopsAtDepth32WithTheSameException() {
        HttpResponse<String> response = Http.get(cycle.url() + "/?hops=1000");
        assertEquals(508, response.statusCode());
        assertEquals(EXCEEDED + "worker \"pong\" called worker \"ping\"" + WHAT_TO_DO, response.body());
    }

    @Test
    void aShortCycleRunsNormally() {
        assertEquals("reached depth 4 at pong", Http.get(cycle.url() + "/?hops=3").body());
    }
}
