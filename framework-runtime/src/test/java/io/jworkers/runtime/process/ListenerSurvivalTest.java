package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.RawHttp.body;
import static io.jworkers.runtime.testing.RawHttp.exchange;
import static io.jworkers.runtime.testing.RawHttp.statusLine;
import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of connections against {@code jworkers serve} in a process limited to 200 open files
 * ({@code ulimit -n 200}): once the flood is released, both listeners serve again, and the host
 * never stopped. With {@code --max-connections} above what the limit allows, the flood does use
 * up the file descriptors and accept fails ("Too many open files") on both listeners: they wait
 * and retry, logging it once. With the default bound (half the limit) the flood waits in the
 * accept queue and the descriptors never run out.
 */
class ListenerSurvivalTest {

    private static final int FILE_LIMIT = 200;
    private static final String TOKEN = "flood-token-for-tests";

    @TempDir
    Path dir;

    @Test
    void bothListenersAcceptAgainOnceAFloodThatUsedUpTheFileDescriptorsIsReleased() throws Exception {
        Path token = WorkerDirs.write(dir.resolve("token"), TOKEN + "\n");
        try (ForkedHost host = ForkedHost.serveWithFileLimit(FILE_LIMIT, dir.resolve("state"), token,
                "--max-connections", "1000")) {
            deployHello(host, token);
            assertServes(host);
            CompletableFuture<String> admin;
            List<Socket> flood = new ArrayList<>();
            try {
                floodUntil(host, port(host.url()), flood, "cannot accept connections on the public listener");
                // Nothing is left for the admin listener either: its client waits in the accept queue. (It
                // sends no token: the 401 needs no file of the host's, which may still be short of them.)
                admin = CompletableFuture.supplyAsync(() -> exchange(port(host.adminUrl()),
                        "GET /v1/services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
                host.awaitOutput("cannot accept connections on the admin listener", 30);
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            String waited = admin.get(30, TimeUnit.SECONDS);
            assertEquals("HTTP/1.1 401 Unauthorized", statusLine(waited), "the admin client that waited is served: " + waited);
            assertServes(host);
            assertEquals("HTTP/1.1 200 OK", statusLine(exchange(port(host.adminUrl()), services())));

            List<String> output = host.output();
            // One line per burst, never one per failed attempt. A descriptor freed for a moment in the
            // middle of the flood (the JVM closes a file) lets one more client in and starts a second
            // burst: that is two lines, each closed by its "accepting again".
            long publicBursts = count(output, "WARN  listener cannot accept connections on the public listener 127.0.0.1:");
            assertTrue(publicBursts >= 1 && publicBursts <= 3, "once per burst: " + output);
            assertTrue(output.stream().anyMatch(line -> line.contains(": Too many open files; retrying until it works again"
                    + " (new clients wait in the accept queue)")), output.toString());
            long adminBursts = count(output, "WARN  listener cannot accept connections on the admin listener 127.0.0.1:");
            assertTrue(adminBursts >= 1 && adminBursts <= 3, "once per burst: " + output);
            assertEquals(publicBursts, count(output, "INFO  listener accepting connections on the public listener 127.0.0.1:"),
                    "every burst ends with one line: " + output);
            assertEquals(0, count(output, "terminating"), output.toString());
            assertEquals(0, count(output, "stopped accepting connections"), output.toString());
        }
    }

    @Test
    void withTheDefaultBoundAFloodWaitsInTheAcceptQueueAndTheDescriptorsNeverRunOut() throws Exception {
        Path token = WorkerDirs.write(dir.resolve("token"), TOKEN + "\n");
        try (ForkedHost host = ForkedHost.serveWithFileLimit(FILE_LIMIT, dir.resolve("state"), token)) {
            deployHello(host, token);
            List<Socket> flood = new ArrayList<>();
            try {
                floodUntil(host, port(host.url()), flood, "100 connections are open on the public listener, its limit (100)");
                for (int i = 0; i < 100; i++) {
                    flood.add(new Socket("127.0.0.1", port(host.url())));
                }
                assertEquals("HTTP/1.1 200 OK", statusLine(exchange(port(host.adminUrl()), services())),
                        "the admin listener has descriptors of its own to serve with");
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            assertServes(host);
            host.awaitOutput("INFO  listener the public listener is below its limit of 100 connections again", 30);
            List<String> output = host.output();
            assertEquals(0, count(output, "cannot accept connections"), output.toString());
        }
    }

    private static void deployHello(ForkedHost host, Path token) {
        Path config = WorkerDirs.config(token.getParent(), "hello", """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "flooded" } }
                """.formatted(json(Fixtures.classes("hello"))));
        ServeHarness.Cli deployed = ServeHarness.cli(host.adminUrl(), token, "", "deploy", "-c", config.toString());
        assertEquals(0, deployed.code(), deployed.err());
    }

    private static void assertServes(ForkedHost host) {
        String response = exchange(port(host.url()), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(response), response);
        assertTrue(body(response).startsWith("hello from flooded at /hello"), response);
    }

    // Connections that send nothing, as many as it takes for the host to print the line.
    private static void floodUntil(ForkedHost host, int port, List<Socket> flood, String line) throws IOException,
            InterruptedException {
        while (host.output().stream().noneMatch(printed -> printed.contains(line))) {
            assertTrue(flood.size() < 2000, "2000 connections and still no \"" + line + "\": " + host.output());
            flood.add(new Socket("127.0.0.1", port));
            if (flood.size() % 50 == 0) {
                Thread.sleep(200);
            }
        }
    }

    private static String services() {
        return "GET /v1/services HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n";
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    private static long count(List<String> output, String text) {
        return output.stream().filter(line -> line.contains(text)).count();
    }
}
