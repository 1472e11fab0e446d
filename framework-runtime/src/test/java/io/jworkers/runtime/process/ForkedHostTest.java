package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a separate process shows: bodies stream end to end through bindings (1 GiB each way
 * through a host limited to 256 MiB of heap, with the gateway cloning the request for auth), and
 * SIGTERM drains in-flight work, stops the workers and exits 0.
 */
class ForkedHostTest {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static List<String> configs;

    @BeforeAll
    static void writeConfigs() {
        Path gateway = WorkerDirs.config(dir, "gw", """
                { "name": "gw", "classpath": [%s], "routes": ["/*"],
                  "services": [{ "binding": "AUTH", "service": "allow" }, { "binding": "APP", "service": "hasher" }] }
                """.formatted(json(Fixtures.classes("streamgw"))));
        Path allow = WorkerDirs.config(dir, "allow", "{ \"name\": \"allow\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("allow"))));
        Path hasher = WorkerDirs.config(dir, "hasher", "{ \"name\": \"hasher\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("hasher"))));
        configs = List.of("-c", gateway.toString(), "-c", allow.toString(), "-c", hasher.toString());
    }

    private static List<String> devArguments(String... more) {
        List<String> arguments = new java.util.ArrayList<>(configs);
        arguments.addAll(List.of(more));
        return arguments;
    }

    @Test
    void aGibibyteStreamsUpAndDownThroughBindingsInAHostWith256MiBOfHeap() throws Exception {
        String expected = HexFormat.of().formatHex(sha256(new Generated(GIB))) + " " + GIB;
        try (ForkedHost host = ForkedHost.dev(List.of("-Xmx256m"), devArguments("--max-body", "2GiB"))) {
            HttpResponse<String> upload = CLIENT.send(HttpRequest.newBuilder(URI.create(host.url() + "/hash"))
                    .header("x-custom-token", "t")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(GIB)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, upload.statusCode(), upload.body());
            assertEquals(expected, upload.body());

            HttpResponse<InputStream> download = CLIENT.send(HttpRequest.newBuilder(URI.create(host.url() + "/download?bytes=" + GIB))
                    .header("x-custom-token", "t").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, download.statusCode());
            long[] count = new long[1];
            String downloaded;
            try (InputStream body = download.body()) {
                downloaded = HexFormat.of().formatHex(sha256(new InputStream() {
                    @Override
                    public int read() throws java.io.IOException {
                        int b = body.read();
                        count[0] += b < 0 ? 0 : 1;
                        return b;
                    }

                    @Override
                    public int read(byte[] bytes, int offset, int length) throws java.io.IOException {
                        int n = body.read(bytes, offset, length);
                        count[0] += Math.max(n, 0);
                        return n;
                    }
                }));
            }
            assertEquals(expected, downloaded + " " + count[0]);
            assertTrue(host.output().stream().noneMatch(line -> line.contains("OutOfMemoryError")), host.output().toString());
        }
    }

    @Test
    void sigtermLetsAnInFlightRequestFinishStopsTheWorkersAndExitsZero() throws Exception {
        try (ForkedHost host = ForkedHost.dev(List.of(), devArguments())) {
            CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(host.url() + "/slow?ms=1500")).header("x-custom-token", "t").build(),
                    HttpResponse.BodyHandlers.ofString());
            for (int i = 0; i < 500 && host.output().stream().noneMatch(l -> l.endsWith("slow request started")); i++) {
                Thread.sleep(10);
            }
            host.terminate();
            HttpResponse<String> response = inFlight.get();
            assertEquals(200, response.statusCode());
            assertEquals("done", response.body());
            assertEquals(0, host.waitForExit(30));
            List<String> output = host.output();
            assertTrue(output.contains("[hasher] slow request started"), "worker output carries its name: " + output);
            assertTrue(output.contains("[hasher] hasher stopped"), "stop() output carries its name too: " + output);
            assertTrue(output.stream().anyMatch(l -> l.contains("INFO  ingress GET /slow 200 ")), output.toString());
            assertTrue(output.stream().anyMatch(l -> l.startsWith("jworkers dev: stopping")), output.toString());
        }
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    /** The same deterministic bytes the hasher fixture generates. */
    private static final class Generated extends InputStream {
        private final long length;
        private long position;

        Generated(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                long p = position + i;
                bytes[offset + i] = (byte) (p ^ (p >>> 8) ^ (p >>> 16));
            }
            position += n;
            return n;
        }
    }
}
