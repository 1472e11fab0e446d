package io.jworkers.runtime.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jworkers.runtime.bundle.BundleUpload;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.bundle.UploadTooLargeException;
import io.jworkers.runtime.host.WorkerHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The admin API of {@code jworkers serve}, on its own listener, every request authenticated
 * with the bearer token. JSON in and out; errors as {@code {"error": "..."}} with 400, 401, 404,
 * 409, 413 (a body over the upload limit, chunked or not; the connection is closed) or 507 (the
 * disk is full). Secrets go in, never out.
 *
 * <pre>
 * GET  /v1/services                                  every worker environment with its bindings
 * GET  /v1/workers/{name}/versions?env=E             the versions of a worker in an environment
 * POST /v1/workers/{name}/versions?env=E&message=M   body: a bundle zip; deploys a new version
 * POST /v1/workers/{name}/rollback?env=E&version=N   makes version N (default: the previous) current
 * POST /v1/workers/{name}/promote?from=E&to=E2&version=N&message=M
 *                                                    E's version N (default: current) as a new version of E2
 * PUT  /v1/workers/{name}/secrets/{key}?env=E        body: the secret's value
 * </pre>
 */
public final class AdminServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.admin");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final WebServer server;
    private final ServeHost serve;
    private final AdminToken token;

    /**
     * Test hook: the file an upload is written to, given the scratch file made for it; tests
     * return {@code /dev/full} to fill the disk for real. Only the scratch file is ever deleted.
     */
    volatile UnaryOperator<Path> uploadFile = UnaryOperator.identity();

    private AdminServer(String host, int port, ServeHost serve, AdminToken token) {
        this.serve = serve;
        this.token = token;
        long maxUpload = serve.limits().maxUploadBytes();
        // Helidon refuses a Content-Length over the limit before routing, and a chunked body as
        // soon as a chunk passes it; both answer with our JSON error (UploadLimitHandler).
        DirectHandler tooLarge = new UploadLimitHandler(maxUpload);
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(maxUpload)
                .directHandlers(DirectHandlers.builder()
                        .addHandler(DirectHandler.EventType.BAD_REQUEST, tooLarge)
                        .addHandler(DirectHandler.EventType.OTHER, tooLarge)
                        .build())
                .shutdownHook(false)
                .routing(this::routes)
                .build();
    }

    /**
     * Starts the admin listener.
     *
     * @param host the address, {@code 127.0.0.1} by default
     * @param port the port, 0 for a free one
     * @param serve the host it administers
     * @param token the bearer token
     * @return the running server
     */
    public static AdminServer start(String host, int port, ServeHost serve, String token) {
        AdminServer admin = new AdminServer(host, port, serve, new AdminToken(token));
        admin.server.start();
        if (!admin.server.isRunning()) {
            throw io.jworkers.runtime.http.ListenFailure.of(host, port, "--admin-port");
        }
        return admin;
    }

    /**
     * The port it listens on.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    private void routes(HttpRouting.Builder routing) {
        routing.any((request, response) -> {
            if (!token.matches(request.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
                response.header("www-authenticate", "Bearer");
                error(response, 401, "Missing or wrong admin token: send Authorization: Bearer <token> "
                        + "(the token of --token-file or JWORKERS_ADMIN_TOKEN)");
                return;
            }
            response.next();
        });
        routing.get("/v1/services", (request, response) -> handle(response, () -> serve.services()));
        routing.get("/v1/workers/{name}/versions", (request, response) -> handle(response, () -> Map.of(
                "current", serve.store().current(name(request), env(request)).map(d -> d.info().number()).orElse(0),
                "versions", serve.store().versions(name(request), env(request)))));
        routing.post("/v1/workers/{name}/versions", (request, response) -> handle(response, () -> deploy(request)));
        routing.post("/v1/workers/{name}/rollback", (request, response) -> handle(response, () -> serve.rollback(
                name(request), env(request), version(request))));
        routing.post("/v1/workers/{name}/promote", (request, response) -> handle(response, () -> serve.promote(
                name(request), request.query().first("from").orElseThrow(() -> new DeployRejectedException(400,
                        "Promote needs ?from=ENV, the environment whose version is promoted")),
                version(request), request.query().first("to").orElse(WorkerHost.PRODUCTION),
                request.query().first("message").orElse(null))));
        routing.put("/v1/workers/{name}/secrets/{key}", (request, response) -> handle(response, () -> {
            String key = request.path().pathParameters().get("key");
            serve.putSecret(name(request), env(request), key, request.content().as(String.class));
            return Map.of("worker", name(request), "environment", env(request), "secret", key, "set", true);
        }));
    }

    private Object deploy(ServerRequest request) {
        Path bundle = null;
        try {
            bundle = Files.createTempFile(serve.store().scratch(), "upload", ".zip");
            Path file = uploadFile.apply(bundle);
            receive(request, file);
            return serve.deploy(name(request), env(request), file, request.query().first("message").orElse(null));
        } catch (IOException e) {
            if (NoSpaceLeftException.isDiskFull(e)) {
                throw new DeployRejectedException(507, new NoSpaceLeftException("receiving the bundle",
                        serve.store().scratch(), e).getMessage());
            }
            throw new UncheckedIOException("Receiving the bundle failed: " + e.getMessage(), e);
        } finally {
            if (bundle != null) {
                try {
                    Files.deleteIfExists(bundle);
                } catch (IOException ignored) {
                    // A temp file; the OS cleans it eventually.
                }
            }
        }
    }

    // Streams the body to the file, never more than the limit: over it is a 413 whether or not it is chunked.
    private void receive(ServerRequest request, Path file) {
        long maxUpload = serve.limits().maxUploadBytes();
        // Not closed on purpose: closing Helidon's entity stream reads the rest of the body, and after
        // a refusal the rest is what must not be read. The 413 closes the connection instead.
        InputStream body = request.content().inputStream();
        try {
            BundleUpload.receive(body, request.headers().contentLength(), file, maxUpload);
        } catch (UploadTooLargeException e) {
            throw new DeployRejectedException(413, e.getMessage());
        } catch (RequestException e) {
            // Helidon's own count of a chunked body, at the chunk that goes over (maxPayloadSize).
            if (e.status().code() == 413) {
                throw new DeployRejectedException(413, new UploadTooLargeException(maxUpload).getMessage());
            }
            throw e;
        } catch (NoSpaceLeftException e) {
            throw new DeployRejectedException(507, e.getMessage());
        }
    }

    private static String name(ServerRequest request) {
        return request.path().pathParameters().get("name");
    }

    private static Integer version(ServerRequest request) {
        String text = request.query().first("version").orElse(null);
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            throw new DeployRejectedException(400, "A version is a number (see jworkers versions), not \"" + text + "\"");
        }
    }

    private static String env(ServerRequest request) {
        return request.query().first("env").orElse(WorkerHost.PRODUCTION);
    }

    private interface Action {
        Object run();
    }

    private static void handle(ServerResponse response, Action action) {
        try {
            Object result = action.run();
            response.header("content-type", "application/json");
            response.send(JSON.writeValueAsBytes(result));
        } catch (DeployRejectedException e) {
            if (e.status() == 413) {
                // The rest of the body may still be coming: close instead of reading it (Helidon keeps a
                // connection open after a response that says Connection: close, unless told like this).
                response.header(HeaderValues.CONNECTION_CLOSE);
                error(response, e.status(), e.getMessage());
                throw new CloseConnectionException("upload over the limit: the connection is closed after the 413");
            }
            error(response, e.status(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "admin request failed", e);
            error(response, 500, "The admin request failed: " + e.getMessage());
        }
    }

    private static void error(ServerResponse response, int status, String message) {
        response.status(status);
        response.header("content-type", "application/json");
        try {
            response.send(JSON.writeValueAsBytes(Map.of("error", message)));
        } catch (IOException e) {
            response.send(message.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
