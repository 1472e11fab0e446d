package io.jworkers.runtime.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.ConnectionLimits;
import io.jworkers.runtime.http.GuardedListener;
import io.jworkers.runtime.http.IngressSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The admin API of {@code jworkers serve}, on its own listener, every request authenticated
 * with the bearer token. JSON in and out; errors as {@code {"error": "..."}} with 400, 401, 404
 * or 409. Secrets go in, never out.
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

    /** The largest bundle accepted. */
    public static final long MAX_BUNDLE_BYTES = 512L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger("jworkers.admin");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final WebServer server;
    private final GuardedListener listener;
    private final ServeHost serve;
    private final AdminToken token;

    private AdminServer(String host, int port, ServeHost serve, AdminToken token, Duration readTimeout,
            Duration idleTimeout) {
        this.serve = serve;
        this.token = token;
        // The admin listener is guarded as the public one (read and idle timeouts, a connection
        // bound, accept errors outlasted), with a bound of its own: a flood here must not take the
        // file descriptors of the public listener.
        this.listener = new GuardedListener("admin listener", host, port, "--admin-port", ConnectionLimits.adminDefault(),
                readTimeout, idleTimeout, "jworkers.admin");
        this.server = listener.configure(WebServer.builder())
                .maxPayloadSize(MAX_BUNDLE_BYTES)
                .shutdownHook(false)
                .routing(routing -> {
                    routing.addFilter(listener.filter());
                    routes(routing);
                })
                .build();
    }

    /**
     * Starts the admin listener with the default client timeouts.
     *
     * @param host the address, {@code 127.0.0.1} by default
     * @param port the port, 0 for a free one
     * @param serve the host it administers
     * @param token the bearer token
     * @return the running server
     */
    public static AdminServer start(String host, int port, ServeHost serve, String token) {
        return start(host, port, serve, token, IngressSettings.DEFAULT_READ_TIMEOUT, IngressSettings.DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Starts the admin listener.
     *
     * @param host the address, {@code 127.0.0.1} by default
     * @param port the port, 0 for a free one
     * @param serve the host it administers
     * @param token the bearer token
     * @param readTimeout the public listener's {@code --read-timeout}
     * @param idleTimeout the public listener's {@code --idle-timeout}
     * @return the running server
     */
    public static AdminServer start(String host, int port, ServeHost serve, String token, Duration readTimeout,
            Duration idleTimeout) {
        AdminServer admin = new AdminServer(host, port, serve, new AdminToken(token), readTimeout, idleTimeout);
        try {
            admin.listener.start(admin.server);
        } catch (RuntimeException e) {
            admin.listener.close();
            throw e;
        }
        return admin;
    }

    /**
     * What to do if the listener stops accepting connections while it should not; see
     * {@link GuardedListener#whenFails}.
     *
     * @param action takes a sentence that says which listener stopped and why
     */
    public void whenListenerFails(Consumer<String> action) {
        listener.whenFails(action);
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
            try (InputStream body = listener.body(request)) {
                Files.copy(body, bundle, StandardCopyOption.REPLACE_EXISTING);
            }
            return serve.deploy(name(request), env(request), bundle, request.query().first("message").orElse(null));
        } catch (IOException e) {
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
        listener.close();
    }
}
