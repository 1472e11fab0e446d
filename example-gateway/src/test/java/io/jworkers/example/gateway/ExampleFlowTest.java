package io.jworkers.example.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example's whole flow (Cloudflare's service-binding example: a gateway asks auth, then forwards) on the real example modules (as built by Maven), served the way
 * {@code ./jworkers dev} serves them, over real HTTP: gateway public, auth and application
 * private, auth's secret from its {@code .dev.vars}.
 */
class ExampleFlowTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String TOKEN = "let-me-in";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private static DevServer server;

    @BeforeAll
    static void startExamples() {
        for (String module : List.of("example-gateway", "example-auth", "example-application")) {
            assertTrue(Files.isDirectory(REPO.resolve(module).resolve("target/classes")),
                    module + " is not built: run ./mvnw verify from the repo root");
        }
        server = DevServer.start(List.of(
                REPO.resolve("example-gateway/worker.jsonc"),
                REPO.resolve("example-auth/worker.jsonc"),
                REPO.resolve("example-application/worker.jsonc")), null, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rightTokenReachesTheApplication() {
        HttpResponse<String> response = Http.get(server.url() + "/", "x-custom-token", TOKEN);
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertTrue(response.body().startsWith("{\"service\":\"application\",\"greeting\":\"Hello from the application worker\","),
                response.body());
        // gateway runs at depth 1, application one binding hop below it.
        assertTrue(response.body().contains("\"depth\":2"), response.body());
    }

    @Test
    void missingTokenIsRefusedByAuthWithItsExactBody() {
        HttpResponse<String> response = Http.get(server.url() + "/notes");
        assertEquals(403, response.statusCode());
        assertEquals("x-custom-token does not match, request not allowed", response.body());
    }

    @Test
    void wrongTokenIsRefusedByAuthWithItsExactBody() {
        HttpResponse<String> response = Http.get(server.url() + "/notes", "x-custom-token", "let-me-in-please");
        assertEquals(403, response.statusCode());
        assertEquals("x-custom-token does not match, request not allowed", response.body());
    }

    @Test
    void applicationCreatesReadsAndDeletesNotesThroughTheGateway() {
        HttpResponse<String> created = Http.send("POST", server.url() + "/notes", "buy milk", "x-custom-token", TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        String id = created.headers().firstValue("location").orElseThrow().substring("/notes/".length());
        assertTrue(created.body().startsWith("{\"id\":" + id + ",\"text\":\"buy milk\""), created.body());

        HttpResponse<String> read = Http.get(server.url() + "/notes/" + id, "x-custom-token", TOKEN);
        assertEquals(200, read.statusCode());
        assertTrue(read.body().contains("\"text\":\"buy milk\""), read.body());

        HttpResponse<String> deleted = Http.send("DELETE", server.url() + "/notes/" + id, "", "x-custom-token", TOKEN);
        assertEquals(204, deleted.statusCode());
        assertEquals(404, Http.get(server.url() + "/notes/" + id, "x-custom-token", TOKEN).statusCode());
    }

    @Test
    void applicationValidatesNoteLengthWithItsVar() {
        HttpResponse<String> response = Http.send("POST", server.url() + "/notes", "x".repeat(281), "x-custom-token", TOKEN);
        assertEquals(400, response.statusCode());
        assertEquals("{\"error\":\"a note has at most 280 characters, this one has 281\"}", response.body());
    }

    @Test
    void adminStatsComeFromTheApplicationsNamedEntrypointOverRpc() {
        HttpResponse<String> response = Http.get(server.url() + "/admin/stats", "x-custom-token", TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().matches("\\{\"notes\":\\d+,\"created\":\\d+,\"since\":\"20[0-9T:.Z-]+\","
                + "\"boundWith\":\\{\"caller\":\"gateway\"}}"), response.body());
        assertEquals(403, Http.get(server.url() + "/admin/stats").statusCode(), "auth runs first");
    }

    @Test
    void requestIdIsReturnedAndHonoured() {
        HttpResponse<String> response = Http.get(server.url() + "/", "x-custom-token", TOKEN, "x-request-id", "trace-42");
        assertEquals("trace-42", response.headers().firstValue("x-request-id").orElseThrow());
        assertTrue(response.body().contains("\"requestId\":\"trace-42\""), response.body());
    }

    @Test
    void bindingReportShowsEveryBindingConnectedAndHidesTheSecret() {
        String report = server.bindingReport();
        assertTrue(report.contains("  env.AUTH (auth)  Worker  local [connected]"), report);
        assertTrue(report.contains("  env.APPLICATION (application)  Worker  local [connected]"), report);
        assertTrue(report.contains("  env.APPLICATION_ADMIN (application#Admin)  Worker  local [connected]"), report);
        assertTrue(report.contains("  env.SECRET_TOKEN (\"(hidden)\")  Environment Variable  local"), report);
        assertTrue(!report.contains(TOKEN), report);
    }

    // A real HTTP request to the dev server; headers as name, value, name, value, ...
    private static final class Http {
        static HttpResponse<String> get(String url, String... headers) {
            return send(request(url, headers).GET().build());
        }

        static HttpResponse<String> send(String method, String url, String body, String... headers) {
            return send(request(url, headers).method(method, HttpRequest.BodyPublishers.ofString(body)).build());
        }

        private static HttpRequest.Builder request(String url, String... headers) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
            for (int i = 0; i < headers.length; i += 2) {
                builder.header(headers[i], headers[i + 1]);
            }
            return builder;
        }

        private static HttpResponse<String> send(HttpRequest request) {
            try {
                return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
