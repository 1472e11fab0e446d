package io.jworkers.runtime.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.bundle.UploadTooLargeException;
import io.jworkers.runtime.dashboard.Dashboard;
import io.jworkers.runtime.dashboard.ServeDashboardSource;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.ConnectionLimits;
import io.jworkers.runtime.http.GuardedListener;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.metrics.MetricsRoute;
import io.jworkers.runtime.tail.TailFilter;
import io.jworkers.runtime.tail.TailStream;
import io.jworkers.runtime.tail.TooManyTailsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The admin API of {@code jworkers serve}, on its own listener, every request authenticated
 * with the bearer token. JSON in and out; errors as {@code {"error": "..."}} with 400 (bad
 * input), 401, 404 (unknown worker, version or secret), 409 (conflict: a binding target, a
 * route, a required secret, damaged state), 413 (a body over the upload limit, chunked or not;
 * the connection is closed), 500 or 507 (the disk is full). Secrets go in, never out.
 *
 * <pre>
 * GET    /, /ui/...                                  the web dashboard (see Dashboard), by session, not bearer token
 * GET    /v1/services                                 every worker environment: routes, bindings, status
 * GET    /v1/workers/{name}/tail?env=E&amp;status=ok|error&amp;method=M&amp;search=TEXT
 *                                                     live events of the worker's requests (server-sent events)
 * GET    /v1/workers/{name}/versions?env=E            the versions of a worker in an environment
 * POST   /v1/workers/{name}/versions?env=E&amp;message=M&amp;take-routes=true
 *                                                     body: a bundle zip (see DeployUpload); a new version
 * POST   /v1/workers/{name}/rollback?env=E&amp;version=N  makes version N (default: the previous) current
 * POST   /v1/workers/{name}/promote?from=E&amp;to=E2&amp;version=N&amp;message=M
 *                                                     E's version N (default: current) as a new version of E2
 * DELETE /v1/workers/{name}?env=E                     deletes the worker from E (refused while bound to)
 * GET    /v1/workers/{name}/secrets?env=E             the secret names
 * PUT    /v1/workers/{name}/secrets/{key}?env=E&amp;create=true
 *                                                     body: the value; a new version (or, with create, kept
 *                                                     for the first deploy of a worker not deployed yet)
 * DELETE /v1/workers/{name}/secrets/{key}?env=E       a new version without it
 * GET    /metrics                                     Prometheus text (see HostMetrics)
 * </pre>
 */
public final class AdminServer implements AutoCloseable {

    // A secret's value may be 64 KiB of UTF-8; the body is read whole, so it is bounded a little above.
    private static final int MAX_SECRET_REQUEST_BYTES = 4 * 64 * 1024;
    // How much of a refused secret's body is read (and dropped) so that the client gets the refusal.
    private static final long MAX_SECRET_DRAIN_BYTES = 16L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger("jworkers.admin");
    // Made at the first answer, not with the server: serve's start needs no mapper (StateJson).
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    private final WebServer server;
    private final GuardedListener listener;
    private final ServeHost serve;
    private final AdminToken token;
    private final Dashboard dashboard;

    /** Test hook: where an upload is written instead of its scratch file (a test points it at /dev/full). */
    volatile UnaryOperator<Path> uploadFile = UnaryOperator.identity();

    private AdminServer(String host, int port, ServeHost serve, AdminToken token, Duration readTimeout,
            Duration idleTimeout) {
        this.serve = serve;
        this.token = token;
        this.dashboard = new Dashboard(new ServeDashboardSource(serve), typed -> token.matches("Bearer " + typed))
                .tail(new io.jworkers.runtime.tail.TailFeed(serve.tails()))
                // Read at each page: the host's metrics are made on a thread of their own at start.
                .stats((worker, environment) -> new io.jworkers.runtime.metrics.DashboardStats(
                        serve.host().metrics().requestStats()).stats(worker, environment));
        long maxUpload = serve.limits().maxUploadBytes();
        // The admin listener is guarded as the public one (read and idle timeouts, a connection
        // bound, accept errors outlasted), with a bound of its own: a flood here must not take the
        // file descriptors of the public listener.
        this.listener = new GuardedListener("admin listener", host, port, "--admin-port", ConnectionLimits.adminDefault(),
                readTimeout, idleTimeout, "jworkers.admin");
        // Helidon refuses a Content-Length over the limit before routing, and a chunked body as
        // soon as a chunk passes it; both answer with our JSON error (UploadLimitHandler).
        DirectHandler tooLarge = new UploadLimitHandler(maxUpload);
        this.server = listener.configure(WebServer.builder())
                .maxPayloadSize(maxUpload)
                .directHandlers(DirectHandlers.builder()
                        .addHandler(DirectHandler.EventType.BAD_REQUEST, tooLarge)
                        .addHandler(DirectHandler.EventType.OTHER, tooLarge)
                        .build())
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
     * Checks an admin token before the host opens anything.
     *
     * @param token the token
     * @throws IllegalArgumentException if it is too short to be safe, saying how to make a good one
     */
    public static void checkToken(String token) {
        AdminToken.check(token);
    }

    /**
     * The web dashboard at {@code /}, to wire its traffic numbers and live logs in.
     *
     * @return the dashboard
     */
    public Dashboard dashboard() {
        return dashboard;
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
        // What load balancers and Kubernetes probe: no token, nothing about the workers.
        routing.get("/healthz", (request, response) -> probe(response, true, "alive"));
        routing.get("/readyz", (request, response) -> probe(response, serve.ready(), serve.readiness()));
        // The dashboard logs in with the token into a session of its own: before the bearer check.
        dashboard.register(routing);
        routing.any((request, response) -> {
            if (!token.matches(request.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
                response.header("www-authenticate", "Bearer");
                error(response, 401, "Missing or wrong admin token: send Authorization: Bearer <token> "
                        + "(the token of --token-file or JWORKERS_ADMIN_TOKEN)");
                return;
            }
            response.next();
        });
        // Prometheus sends the token too (authorization: credentials_file in its scrape config).
        MetricsRoute.register(routing, serve.host().metrics());
        routing.get("/v1/services", (request, response) -> handle(response, serve::services));
        routing.get("/v1/hosts", (request, response) -> handle(response, serve::hosts));
        // DESIGN §8 names it without the API version; both answer the same.
        routing.get("/hosts", (request, response) -> handle(response, serve::hosts));
        routing.get("/v1/workers/{name}/tail", this::tail);
        routing.get("/v1/workers/{name}/versions", (request, response) -> handle(response, () -> versions(request)));
        routing.post("/v1/workers/{name}/versions", (request, response) -> handle(response, () -> deploy(request)));
        routing.post("/v1/workers/{name}/check", (request, response) -> handle(response, () -> check(request)));
        routing.get("/v1/workers/{name}/deployments", (request, response) -> handle(response, () -> deployment(request)));
        routing.post("/v1/workers/{name}/deployments", (request, response) -> handle(response, () -> deploySplit(request)));
        routing.post("/v1/workers/{name}/rollback", (request, response) -> handle(response, () -> serve.rollback(
                AdminParams.worker(request), AdminParams.environment(request), AdminParams.version(request),
                AdminParams.flag(request, "force"))));
        routing.post("/v1/workers/{name}/promote", (request, response) -> handle(response, () -> serve.promote(
                AdminParams.worker(request), AdminParams.environment(request, "from").orElseThrow(() ->
                        new DeployRejectedException(400, "Promote needs ?from=ENV, the environment whose version is promoted")),
                AdminParams.version(request), AdminParams.environment(request, "to").orElse(WorkerHost.PRODUCTION),
                AdminParams.message(request))));
        routing.delete("/v1/workers/{name}", (request, response) -> handle(response, () -> {
            String worker = AdminParams.worker(request);
            String environment = AdminParams.environment(request);
            serve.delete(worker, environment);
            return Map.of("worker", worker, "environment", environment, "deleted", true);
        }));
        routing.get("/v1/workers/{name}/secrets", (request, response) -> handle(response, () -> secretNames(request)));
        routing.put("/v1/workers/{name}/secrets/{key}", (request, response) -> handle(response, () -> {
            String worker = AdminParams.worker(request);
            String environment = AdminParams.environment(request);
            String key = AdminParams.secretName(request);
            boolean create = AdminParams.flag(request, "create");
            Optional<VersionInfo> version = serve.putSecret(worker, environment, key, secretValue(request), create);
            return secretAnswer(worker, environment, key, "set", version);
        }));
        routing.delete("/v1/workers/{name}/secrets/{key}", (request, response) -> handle(response, () -> {
            String worker = AdminParams.worker(request);
            String environment = AdminParams.environment(request);
            String key = AdminParams.secretName(request);
            return secretAnswer(worker, environment, key, "deleted", serve.deleteSecret(worker, environment, key));
        }));
        routing.any((request, response) -> error(response, 404, "No admin API at " + request.prologue().method().text()
                + " " + LogText.oneLine(request.path().path()) + "; is --host the admin port (default 9090), not the public one?"));
    }

    // A live tail: refused before the stream starts (400, 404, 429), else streamed until the client goes.
    private void tail(ServerRequest request, ServerResponse response) {
        TailFilter filter;
        try {
            String worker = AdminParams.worker(request);
            String environment = AdminParams.environment(request);
            if (serve.store().versions(worker, environment).isEmpty()) {
                error(response, 404, "Worker \"" + worker + "\" is not deployed in " + environment
                        + "; jworkers services lists the deployed workers");
                return;
            }
            filter = new TailFilter(worker, environment, request.query().first("status").orElse(null),
                    request.query().first("method").orElse(null), request.query().first("search").orElse(null));
        } catch (DeployRejectedException e) {
            error(response, e.status(), e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            error(response, 400, "Invalid tail filter: " + e.getMessage());
            return;
        }
        try {
            TailStream.serve(serve.tails(), filter, response);
        } catch (TooManyTailsException e) {
            error(response, 429, e.getMessage());
        }
    }

    private Object versions(ServerRequest request) {
        String worker = AdminParams.worker(request);
        String environment = AdminParams.environment(request);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("current", currentNumber(worker, environment));
        Optional<TrafficSplit> split;
        try {
            split = serve.store().split(worker, environment);
        } catch (DamagedStateException e) {
            split = Optional.empty();
        }
        answer.put("split", split.map(AdminServer::shares).orElse(List.of()));
        answer.put("splitMessage", split.map(TrafficSplit::message).orElse(null));
        answer.put("versions", serve.store().versions(worker, environment));
        return answer;
    }

    private Object deployment(ServerRequest request) {
        String worker = AdminParams.worker(request);
        String environment = AdminParams.environment(request);
        Optional<TrafficSplit> split;
        try {
            split = serve.store().split(worker, environment);
        } catch (DamagedStateException e) {
            throw new DeployRejectedException(409, e.getMessage());
        }
        return splitAnswer(worker, environment, split.orElseThrow(() -> new DeployRejectedException(404, "Worker \"" + worker
                + "\" is not deployed in " + environment)));
    }

    private Object deploySplit(ServerRequest request) {
        String worker = AdminParams.worker(request);
        String environment = AdminParams.environment(request);
        String versions = request.query().first("versions").orElseThrow(() -> new DeployRejectedException(400,
                "Name the versions and their percentages: ?versions=4@10,3@90"));
        TrafficSplit split;
        try {
            split = TrafficSplit.parse(List.of(versions), AdminParams.message(request));
        } catch (IllegalArgumentException e) {
            throw new DeployRejectedException(400, "Cannot split traffic of \"" + worker + "\" as \"" + versions + "\": "
                    + e.getMessage());
        }
        return splitAnswer(worker, environment, serve.deploySplit(worker, environment, split, AdminParams.flag(request, "force")));
    }

    private static Map<String, Object> splitAnswer(String worker, String environment, TrafficSplit split) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("worker", worker);
        answer.put("environment", environment);
        answer.put("split", shares(split));
        answer.put("message", split.message());
        return answer;
    }

    // [{"version":4,"percent":10},{"version":3,"percent":90}], newest first.
    private static List<Map<String, Integer>> shares(TrafficSplit split) {
        return split.shares().stream().map(share -> {
            Map<String, Integer> one = new LinkedHashMap<>();
            one.put("version", share.version());
            one.put("percent", share.percent());
            return one;
        }).toList();
    }

    private int currentNumber(String worker, String environment) {
        try {
            return serve.store().currentNumber(worker, environment).orElse(0);
        } catch (DamagedStateException e) {
            return 0;
        }
    }

    private Object secretNames(ServerRequest request) {
        String worker = AdminParams.worker(request);
        String environment = AdminParams.environment(request);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("worker", worker);
        answer.put("environment", environment);
        try {
            Optional<Deployment> current = serve.store().current(worker, environment);
            answer.put("version", current.map(d -> d.info().number()).orElse(0));
            answer.put("secrets", current.map(d -> new TreeSet<>(d.secrets().names()))
                    .orElseGet(() -> new TreeSet<>(serve.store().pendingSecretNames(worker, environment))));
        } catch (DamagedStateException e) {
            throw new DeployRejectedException(409, e.getMessage());
        }
        return answer;
    }

    private static Map<String, Object> secretAnswer(String worker, String environment, String key, String what,
            Optional<VersionInfo> version) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("worker", worker);
        answer.put("environment", environment);
        answer.put("secret", key);
        answer.put(what, true);
        answer.put("version", version.map(VersionInfo::number).orElse(0));
        return answer;
    }

    private String secretValue(ServerRequest request) throws IOException {
        byte[] bytes;
        // Not closed: closing Helidon's entity stream would read all the rest of a body refused as too large.
        InputStream body = listener.body(request);
        try {
            bytes = body.readNBytes(MAX_SECRET_REQUEST_BYTES + 1);
        } catch (IOException e) {
            throw bodyFailed(request, e);
        }
        if (bytes.length > MAX_SECRET_REQUEST_BYTES) {
            try {
                drainUpTo(body, MAX_SECRET_DRAIN_BYTES);
            } catch (IOException e) {
                throw bodyFailed(request, e); // the client stalled or went away: no answer to send
            }
            throw new DeployRejectedException(413, "The secret is more than " + MAX_SECRET_REQUEST_BYTES + " bytes; a secret"
                    + " may have at most 65536 bytes (64 KiB). Keep larger data in a file or a store the worker reads.");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // Reads on, up to a bound, before a refusal is sent: a server that answers and closes while the
    // client still sends makes the client's kernel drop the answer (the connection is reset), and
    // the user would see a broken connection instead of the reason. Past the bound it answers anyway.
    private static void drainUpTo(InputStream body, long maxBytes) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long read = 0;
        for (int n = 0; n >= 0 && read < maxBytes; n = body.read(buffer)) {
            read += n;
        }
    }

    private Object check(ServerRequest request) throws IOException {
        String worker = AdminParams.worker(request);
        String environment = AdminParams.environment(request);
        Path scratch = Files.createTempFile(serve.store().scratch(), "check", ".zip");
        try {
            DeployUpload uploaded;
            try {
                uploaded = DeployUpload.read(request, listener.body(request), uploadFile.apply(scratch),
                        serve.limits().maxUploadBytes());
            } catch (IOException | UncheckedIOException e) {
                throw bodyFailed(request, e);
            }
            return serve.check(worker, environment, uploaded.bundle());
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private Object deploy(ServerRequest request) throws IOException {
        String worker = AdminParams.worker(request);
        String environment = AdminParams.environment(request);
        String message = AdminParams.message(request);
        boolean takeRoutes = AdminParams.flag(request, "take-routes");
        boolean upload = AdminParams.flag(request, "upload");
        boolean force = AdminParams.flag(request, "force");
        Path scratch = Files.createTempFile(serve.store().scratch(), "upload", ".zip");
        try {
            DeployUpload uploaded;
            try {
                uploaded = DeployUpload.read(request, listener.body(request), uploadFile.apply(scratch),
                        serve.limits().maxUploadBytes());
            } catch (IOException | UncheckedIOException e) {
                throw bodyFailed(request, e);
            }
            return serve.deploy(worker, environment, uploaded.bundle(), new DeployOptions(message, uploaded.secrets(), takeRoutes, upload, force));
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    // A body that failed to arrive is the client's doing: answered as such (or not at all, for a
    // client that is gone), never as the host's 500 with a stack trace.
    private RuntimeException bodyFailed(ServerRequest request, Exception e) {
        OptionalInt status = listener.bodyFailure(request);
        if (status.isEmpty()) {
            if (e instanceof IOException io && NoSpaceLeftException.isDiskFull(io)) {
                return new DeployRejectedException(507, new NoSpaceLeftException("receiving the bundle",
                        serve.store().scratch(), io).getMessage());
            }
            return e instanceof RuntimeException runtime ? runtime : new UncheckedIOException((IOException) e);
        }
        Throwable read = e instanceof UncheckedIOException unchecked && unchecked.getCause() != null ? unchecked.getCause() : e;
        LOG.log(Level.INFO, "admin request body failed: " + LogText.oneLine(String.valueOf(read.getMessage())));
        return switch (status.getAsInt()) {
            case 0 -> new CloseConnectionException("the client is gone");
            case 413 -> DeployRejectedException.closing(413, new UploadTooLargeException(serve.limits().maxUploadBytes())
                    .getMessage());
            default -> DeployRejectedException.closing(status.getAsInt(), "The request body failed: "
                    + LogText.oneLine(String.valueOf(read.getMessage())));
        };
    }

    private interface Action {
        Object run() throws IOException;
    }

    private void handle(ServerResponse response, Action action) {
        try {
            Object result = action.run();
            response.header("content-type", "application/json");
            response.send(Json.MAPPER.writeValueAsBytes(result));
        } catch (DeployRejectedException e) {
            if (e.closesConnection()) {
                // The rest of the body may still be coming: close instead of reading it (Helidon keeps a
                // connection open after a response that says Connection: close, unless told like this).
                response.header(HeaderValues.CONNECTION_CLOSE);
                error(response, e.status(), e.getMessage());
                throw new CloseConnectionException("a request body not read to its end: the connection is closed after the "
                        + e.status());
            }
            error(response, e.status(), e.getMessage());
        } catch (CloseConnectionException e) {
            throw e; // a client that is gone gets no answer
        } catch (StoreUnreachableException e) {
            error(response, 503, e.getMessage() + " (host keeps serving revision " + serve.appliedRevision() + ")");
        } catch (DamagedStateException e) {
            error(response, 409, e.getMessage());
        } catch (DeploymentException e) {
            error(response, 400, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "admin request failed", e);
            error(response, 500, "The admin request failed: " + LogText.oneLine(String.valueOf(e.getMessage())));
        }
    }

    private static void probe(ServerResponse response, boolean good, String text) {
        response.status(good ? 200 : 503);
        response.header("content-type", "text/plain; charset=utf-8");
        response.header("cache-control", "no-store");
        response.send(text + "\n");
    }

    private static void error(ServerResponse response, int status, String message) {
        response.status(status);
        response.header("content-type", "application/json");
        try {
            response.send(Json.MAPPER.writeValueAsBytes(Map.of("error", message)));
        } catch (IOException e) {
            response.send(message.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        // Open tails end first: their streams would otherwise hold the listener's stop.
        serve.tails().close();
        listener.close();
    }
}
