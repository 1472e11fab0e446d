package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.FailingAcceptProvider;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener that stops for good anyway (here: an {@link Error} from {@code accept()}, injected
 * by {@link FailingAcceptProvider}) leaves a process that cannot be reached: it says so in one
 * line, stops gracefully and exits 70, so that a supervisor starts a fresh one.
 */
class ListenerFailureTest {

    @TempDir
    Path dir;

    @Test
    void aListenerThatStopsMakesTheHostExit70WithOneLine() throws Exception {
        Path config = WorkerDirs.config(dir, "hello", """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "hello" } }
                """.formatted(json(Fixtures.classes("hello"))));
        // Accept 1 is the public listener's own start-up connection, 2 the admin listener's (dev's
        // metrics), 3 the request below, 4 fails.
        try (ForkedHost host = ForkedHost.dev(List.of("--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Djava.nio.channels.spi.SelectorProvider=" + FailingAcceptProvider.class.getName(),
                "-Djworkers.test.failAcceptAt=4"), List.of("-c", config.toString()))) {
            assertEquals(200, Http.get(host.url() + "/before").statusCode());
            try (Socket third = new Socket("127.0.0.1", URI.create(host.url()).getPort())) {
                assertEquals(70, host.waitForExit(30));
            }
            List<String> output = host.output();
            int port = URI.create(host.url()).getPort();
            assertTrue(output.contains("jworkers dev: the public listener on 127.0.0.1:" + port + " stopped accepting"
                    + " connections (java.lang.InternalError: accept number 4 fails (jworkers.test.failAcceptAt)); exiting"
                    + " with status 70 so that a supervisor restarts the host"), output.toString());
            assertTrue(output.stream().anyMatch(line -> line.endsWith("ERROR io.helidon.webserver.ServerListener Got a"
                    + " throwable while listening, this server socket is terminating now: java.lang.InternalError: accept"
                    + " number 4 fails (jworkers.test.failAcceptAt)")), "Helidon's record, in one line: " + output);
            assertTrue(output.stream().noneMatch(line -> line.startsWith("\tat ")), "no stack trace: " + output);
            assertTrue(output.stream().anyMatch(line -> line.startsWith("jworkers dev: stopping")), output.toString());
        }
    }
}
