package io.jworkers.runtime.http;

import io.helidon.common.uri.UriPath;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import io.jworkers.api.DeadlineExceededException;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.runtime.host.RequestEpochs;
import io.jworkers.runtime.metrics.HostMetrics;
import io.jworkers.runtime.metrics.RequestObservation;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.VersionKey;
import io.jworkers.runtime.pipeline.VersionOverrides;
import io.jworkers.runtime.worker.VersionRouting;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.tail.RequestLog;
import io.jworkers.runtime.tail.TailHub;
import io.jworkers.runtime.trace.SpanSink;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The public HTTP listener: Helidon's WebServer on virtual threads, each request routed to one
 * public worker, which opens the request's pipeline. A failure that escapes the worker becomes a
 * short 500 (504 past the deadline) naming the request id; its stack goes to the log only. After
 * the response, the pipeline's un-awaited async work is cancelled and its {@code waitUntil} work
 * gets the grace period. {@link #close()} drains: in-flight requests and {@code waitUntil} work
 * get the shutdown grace period before the listener stops. Clients that stop sending are dropped
 * by {@link ClientTimeouts}; the listener itself is guarded by {@link GuardedListener} (connection
 * bound, accept errors, other HTTP versions: HTTP/1.0 requests come back to {@code serveHttp10}).
 * Targets that are not a path, and {@code CONNECT}, are decided by {@link RequestTarget} before
 * any worker sees them. A request body that fails (malformed, too large, the client gone) is
 * answered as the client's error with one log line (see {@link BodyFailure}).
 */
public final class IngressServer implements AutoCloseable {

    private static final HeaderName VERSION_KEY = HeaderNames.create(VersionKey.HEADER);
    private static final HeaderName VERSION_OVERRIDES = HeaderNames.create(VersionOverrides.HEADER);

    /** How much more than {@link IngressSettings#maxHeaderBytes()} Helidon reads, so the ingress can answer 431. */
    static final int HEADER_HEADROOM = 4;
    /** The access-log status of a request whose client went away before its body was complete (as nginx's). */
    static final int CLIENT_GONE = 499;

    private static final System.Logger LOG = System.getLogger(AccessLog.LOGGER_NAME);

    private final WebServer server;
    private final GuardedListener listener;
    private final WorkerRouter router;
    private final RequestEpochs requests;
    private final IngressSettings settings;
    private final AccessLog accessLog;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jworkers-grace-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final ClientTimeouts clientTimeouts;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<Pipeline> lingering = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    // The live tails (jworkers tail) of the router's host, null when it has none.
    private final TailHub tails;
    private final HostMetrics metrics; // null: requests are not observed
    // Where the spans of requests go (--otlp-endpoint), null when they are not exported.
    private final SpanSink spans;

    private IngressServer(IngressSettings settings, WorkerRouter router, RequestEpochs requests, HostMetrics metrics,
            SpanSink spans) {
        this.spans = spans;
        this.router = router;
        this.metrics = metrics;
        this.requests = requests;
        this.settings = settings;
        this.accessLog = settings.accessLog();
        this.tails = router.tails();
        this.listener = new GuardedListener("public listener", settings.host(), settings.port(), "--port",
                settings.maxConnections(), settings.readTimeout(), settings.idleTimeout(), AccessLog.LOGGER_NAME);
        this.clientTimeouts = listener.timeouts();
        Http1Config http1 = Http1Config.builder()
                // Helidon answers its own limit with a bare 400 and no reason we could map, so it gets
                // four times ours and the ingress itself answers 431 past ours (see serve).
                .maxHeadersSize(HEADER_HEADROOM * settings.maxHeaderBytes())
                .maxPrologueLength(settings.maxRequestLineBytes())
                // HttpMessages.send checks worker headers as Helidon would, for less: Helidon's
                // check of every response header was 4 % of the CPU of a request through
                // three workers. Helidon still validates request headers.
                .validateResponseHeaders(false)
                .build();
        this.server = listener.configure(WebServer.builder(), http1, this::serveHttp10, settings.maxRequestLineBytes())
                .maxPayloadSize(settings.maxBodyBytes())
                .shutdownHook(false)
                // In-flight work was drained before stop(): Helidon need not wait again.
                .shutdownGracePeriod(Duration.ofMillis(100))
                .routing(routing -> routing.any(this::handle))
                .build();
    }

    /**
     * Starts a listener.
     *
     * @param settings address, port, limits and grace periods
     * @param router which worker serves which path
     * @param requests where requests register, so that replaced worker versions can drain
     * @return the started server
     */
    public static IngressServer start(IngressSettings settings, WorkerRouter router, RequestEpochs requests) {
        return start(settings, router, requests, null, null);
    }

    /**
     * Starts a listener whose requests the host's metrics observe.
     *
     * @param settings address, port, limits and grace periods
     * @param router which worker serves which path
     * @param requests where requests register, so that replaced worker versions can drain
     * @param metrics the host's metrics, or {@code null} for none
     * @return the started server
     */
    public static IngressServer start(IngressSettings settings, WorkerRouter router, RequestEpochs requests,
            HostMetrics metrics) {
        return start(settings, router, requests, metrics, null);
    }

    /**
     * Starts a listener whose requests the host's metrics observe (requests by outcome, their
     * durations, the in-flight and waitUntil gauges) and whose requests' spans are exported.
     *
     * @param settings address, port, limits and grace periods
     * @param router which worker serves which path
     * @param requests where requests register, so that replaced worker versions can drain
     * @param metrics the host's metrics, or {@code null} for none
     * @param spans where the spans of each request's worker hops go, {@code null} for nowhere
     * @return the started server
     */
    public static IngressServer start(IngressSettings settings, WorkerRouter router, RequestEpochs requests,
            HostMetrics metrics, SpanSink spans) {
        IngressServer ingress = new IngressServer(settings, router, requests, metrics, spans);
        try {
            ingress.listener.start(ingress.server);
        } catch (RuntimeException e) {
            ingress.listener.close();
            ingress.timer.shutdownNow();
            throw e;
        }
        if (metrics != null) {
            metrics.watchIngress(ingress::inFlight, ingress::waitingForWaitUntil);
        }
        return ingress;
    }

    // Requests already answered whose waitUntil work still runs (the pipelines kept for their grace).
    private int waitingForWaitUntil() {
        return (int) lingering.stream().filter(Pipeline::hasRunningBackgroundWork).count();
    }

    /**
     * What to do if the listener stops accepting connections while it should not (it outlasts
     * accept errors, so this is for what is left: an {@link Error} in Helidon's accept loop); the
     * CLI exits so that a supervisor restarts the host. Called once, on a thread of its own.
     *
     * @param action takes a sentence that says which listener stopped and why
     */
    public void whenListenerFails(Consumer<String> action) {
        listener.whenFails(action);
    }

    /**
     * The port the listener is bound to.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * How many requests are being served right now.
     *
     * @return the count
     */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Drains, then stops: new requests get 503, in-flight requests and {@code waitUntil} work get
     * the shutdown grace period to finish, then what is left is cancelled and the listener closes.
     */
    @Override
    public void close() {
        draining = true;
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        while ((inFlight.get() > 0 || lingering.stream().anyMatch(Pipeline::hasRunningBackgroundWork))
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        lingering.forEach(Pipeline::cancelBackgroundWork);
        listener.close();
        timer.shutdownNow();
    }

    private void handle(ServerRequest request, ServerResponse response) {
        inFlight.incrementAndGet();
        long epoch = requests.begin();
        ClientTimeouts.Connection connection = clientTimeouts.requestStarted(request.remotePeer().address());
        Pipeline pipeline = null;
        try {
            pipeline = serve(request, response, connection);
        } finally {
            finish(epoch, connection, pipeline);
        }
        GuardedListener.closeIfSaid(response);
    }

    private void finish(long epoch, ClientTimeouts.Connection connection, Pipeline pipeline) {
        clientTimeouts.requestEnded(connection);
        if (pipeline == null) {
            requests.end(epoch);
        } else {
            // A replaced version drains until its waitUntil work is done too, not only its responses.
            pipeline.whenBackgroundDone(() -> requests.end(epoch));
        }
        inFlight.decrementAndGet();
    }

    // The pipeline that served the request, or null when no worker was reached.
    private Pipeline serve(ServerRequest request, ServerResponse response, ClientTimeouts.Connection connection) {
        long start = System.nanoTime();
        String traceparent = request.headers().first(RequestIds.TRACEPARENT_NAME).orElse(null);
        String requestId = RequestIds.choose(request.headers().first(RequestIds.HEADER_NAME).orElse(null), traceparent);
        HttpPrologue prologue = request.prologue();
        String method = prologue.method().text();
        String path = request.path().path();
        if (draining) {
            response.header("connection", "close");
            HttpMessages.sendText(response, 503, "The host is shutting down; retry on another host.", requestId);
            accessLog.log(method, path, 503, start, requestId, null);
            return null;
        }
        int headerBytes = headerBytes(request.headers());
        if (headerBytes > settings.maxHeaderBytes()) {
            response.header("connection", "close");
            HttpMessages.sendText(response, 431, tooManyHeaderBytes(headerBytes), requestId);
            accessLog.log(method, path, 431, start, requestId, null);
            return null;
        }
        RequestTarget unusual = null;
        String rawPath = prologue.uriPath().rawPath();
        if (RequestTarget.isUnusual(prologue.method() == Method.CONNECT, rawPath)) {
            unusual = RequestTarget.of(method, rawPath);
            if (unusual.refusal() != null) {
                if (unusual.closes()) {
                    response.header("connection", "close");
                }
                HttpMessages.send(unusual.refusal(), response, requestId);
                accessLog.log(method, rawPath, unusual.refusal().status(), start, requestId, null);
                return null;
            }
            path = UriPath.create(unusual.rawPath()).path();
        }
        Optional<WorkerSlot> slot = router.route(unusual == null
                ? request.headers().first(HeaderNames.HOST).orElse(null) : unusual.authority(), path);
        String versionKey = request.headers().first(VERSION_KEY).orElse(null);
        Map<String, Integer> pins = VersionOverrides.parse(request.headers().first(VERSION_OVERRIDES).orElse(null));
        VersionRouting routing = slot.map(WorkerSlot::routing).orElse(VersionRouting.NONE);
        // Hashed only when the routed worker is split; the pipeline keeps the bucket for the workers it calls.
        int bucket = routing.isSplit() ? VersionKey.bucket(versionKey != null ? versionKey : requestId) : -1;
        LoadedWorker worker = routing.isSplit() ? routing.chooseTopLevel(bucket, pins) : routing.newer();
        if (worker == null) {
            Response notServed = notServed(slot, path);
            HttpMessages.send(notServed, response, requestId);
            accessLog.log(method, path, notServed.status(), start, requestId, null);
            return null;
        }
        Pipeline pipeline = new Pipeline(requestId, worker.config().limits().subrequests(),
                Duration.ofMillis(worker.config().limits().timeoutMs()), start);
        pipeline.chooseVersionsBy(versionKey, pins, bucket);
        pipeline.trace(traceparent, spans);
        RequestLog tailLog = tails == null ? null : tails.begin(pipeline, worker);
        RequestObservation observed = metrics == null ? RequestObservation.NONE : metrics.observe(worker, start);
        Response result = call(pipeline, worker, unusual == null ? HttpMessages.toRequest(request, connection)
                : HttpMessages.toRequest(request, connection, unusual), connection, observed);
        BodyFailure failure = connection.bodyFailure();
        if (failure != null) {
            // Whatever the worker made of its broken body: the client is at fault.
            result = answerTo(failure, connection, requestId);
            if (result == null) {
                responded(pipeline);
                accessLog.log(method, path, CLIENT_GONE, start, requestId, pipeline);
                if (tailLog != null) {
                    tails.finish(tailLog, worker, request.prologue(), request.headers(), CLIENT_GONE, start, requestId);
                }
                observed.clientDisconnected();
                observed.finish(CLIENT_GONE);
                throw new CloseConnectionException("the client went away during its request body");
            }
            response.header("connection", "close");
        }
        int status = result.status();
        try {
            HttpMessages.send(result, response, requestId);
        } catch (RuntimeException e) {
            sendFailed(worker, requestId, e, observed);
        } finally {
            responded(pipeline);
        }
        long end = System.nanoTime();
        accessLog.log(method, path, status, start, end, requestId, pipeline);
        if (tailLog != null) {
            tails.finish(tailLog, worker, request.prologue(), request.headers(), status, start, requestId);
        }
        observed.finish(status, end);
        return pipeline;
    }

    // A client that went away while its response was sent is common and not the host's or the
    // worker's fault: one line, no stack trace. Anything else (a worker's body stream that threw)
    // is the worker's failure, logged with its trace.
    private static void sendFailed(LoadedWorker worker, String requestId, RuntimeException e, RequestObservation observed) {
        if (clientWentAway(e)) {
            observed.clientDisconnected();
            LOG.log(Level.INFO, "[" + worker.name() + "] the client of request " + requestId
                    + " went away while its response was sent (" + e.getMessage() + ")");
        } else {
            observed.failed(e);
            LOG.log(Level.WARNING, "[" + worker.name() + "] sending the response of request " + requestId + " failed", e);
        }
    }

    static boolean clientWentAway(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof io.helidon.webserver.ServerConnectionException || cause instanceof java.net.SocketException) {
                return true;
            }
            String message = cause.getMessage();
            if (cause instanceof java.io.IOException && message != null
                    && (message.contains("Broken pipe") || message.contains("Connection reset"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Serves the HTTP/1.0 requests of {@link OtherVersionsSelector}: as {@link #serve} does, with
     * HTTP/1.0's keep-alive rules (see {@link Http10Exchange}).
     */
    private boolean serveHttp10(ConnectionContext ctx, RequestLine line) {
        Http10Exchange exchange;
        try {
            exchange = Http10Exchange.read(ctx, line, settings.maxHeaderBytes(), settings.maxBodyBytes());
        } catch (Http10Exchange.Refused e) {
            Http10Exchange.writeSimple(ctx, e.status(), e.getMessage() + "\n");
            return false;
        }
        inFlight.incrementAndGet();
        long epoch = requests.begin();
        ClientTimeouts.Connection connection = clientTimeouts.requestStarted(ctx.remotePeer().address());
        Http10Outcome outcome = null;
        try {
            outcome = serve(exchange, connection);
            return outcome.keepAlive();
        } finally {
            finish(epoch, connection, outcome == null ? null : outcome.pipeline());
        }
    }

    private record Http10Outcome(Pipeline pipeline, boolean keepAlive) {
    }

    private Http10Outcome serve(Http10Exchange exchange, ClientTimeouts.Connection connection) {
        long start = System.nanoTime();
        ServerRequestHeaders headers = exchange.headers();
        String traceparent = headers.first(RequestIds.TRACEPARENT_NAME).orElse(null);
        String requestId = RequestIds.choose(headers.first(RequestIds.HEADER_NAME).orElse(null), traceparent);
        HttpPrologue prologue = exchange.prologue();
        String method = prologue.method().text();
        String rawPath = prologue.uriPath().rawPath();
        String path = prologue.uriPath().path();
        if (draining) {
            exchange.send(Response.text(503, "The host is shutting down; retry on another host."), requestId, false);
            accessLog.log(method, path, 503, start, requestId, null);
            return new Http10Outcome(null, false);
        }
        int headerBytes = headerBytes(headers);
        if (headerBytes > settings.maxHeaderBytes()) {
            exchange.send(Response.text(431, tooManyHeaderBytes(headerBytes)), requestId, false);
            accessLog.log(method, path, 431, start, requestId, null);
            return new Http10Outcome(null, false);
        }
        RequestTarget unusual = null;
        if (RequestTarget.isUnusual(prologue.method() == Method.CONNECT, rawPath)) {
            unusual = RequestTarget.of(method, rawPath);
            if (unusual.refusal() != null) {
                boolean keepAlive = exchange.send(unusual.refusal(), requestId, !unusual.closes());
                accessLog.log(method, rawPath, unusual.refusal().status(), start, requestId, null);
                return new Http10Outcome(null, keepAlive);
            }
            path = UriPath.create(unusual.rawPath()).path();
        }
        String host = unusual == null ? headers.first(HeaderNames.HOST).orElse(null) : unusual.authority();
        Optional<WorkerSlot> slot = router.route(host, path);
        String versionKey = headers.first(VERSION_KEY).orElse(null);
        Map<String, Integer> pins = VersionOverrides.parse(headers.first(VERSION_OVERRIDES).orElse(null));
        VersionRouting routing = slot.map(WorkerSlot::routing).orElse(VersionRouting.NONE);
        // Hashed only when the routed worker is split; the pipeline keeps the bucket for the workers it calls.
        int bucket = routing.isSplit() ? VersionKey.bucket(versionKey != null ? versionKey : requestId) : -1;
        LoadedWorker worker = routing.isSplit() ? routing.chooseTopLevel(bucket, pins) : routing.newer();
        if (worker == null) {
            Response notServed = notServed(slot, path);
            boolean keepAlive = exchange.send(notServed, requestId, true);
            accessLog.log(method, path, notServed.status(), start, requestId, null);
            return new Http10Outcome(null, keepAlive);
        }
        Pipeline pipeline = new Pipeline(requestId, worker.config().limits().subrequests(),
                Duration.ofMillis(worker.config().limits().timeoutMs()), start);
        pipeline.chooseVersionsBy(versionKey, pins, bucket);
        pipeline.trace(traceparent, spans);
        InputStream body = exchange.body() == null ? null : new TimedBodyStream(exchange.body(), connection);
        Request request = HttpMessages.toRequest(method, unusual == null ? headers : HttpMessages.withHost(headers, host),
                body, unusual == null ? rawPath : unusual.rawPath(), prologue.query().rawValue(), "http", host);
        RequestLog tailLog = tails == null ? null : tails.begin(pipeline, worker);
        RequestObservation observed = metrics == null ? RequestObservation.NONE : metrics.observe(worker, start);
        Response result = call(pipeline, worker, request, connection, observed);
        BodyFailure failure = connection.bodyFailure();
        if (failure != null) {
            result = answerTo(failure, connection, requestId);
            if (result == null) {
                responded(pipeline);
                accessLog.log(method, path, CLIENT_GONE, start, requestId, pipeline);
                if (tailLog != null) {
                    tails.finish(tailLog, worker, prologue, headers, CLIENT_GONE, start, requestId);
                }
                observed.clientDisconnected();
                observed.finish(CLIENT_GONE);
                return new Http10Outcome(pipeline, false);
            }
        }
        int status = result.status();
        boolean keepAlive = false;
        try {
            keepAlive = exchange.send(result, requestId, failure == null);
        } catch (RuntimeException e) {
            sendFailed(worker, requestId, e, observed);
        } finally {
            responded(pipeline);
        }
        long end = System.nanoTime();
        accessLog.log(method, path, status, start, end, requestId, pipeline);
        if (tailLog != null) {
            tails.finish(tailLog, worker, prologue, headers, status, start, requestId);
        }
        observed.finish(status, end);
        return new Http10Outcome(pipeline, keepAlive);
    }

    private String tooManyHeaderBytes(int headerBytes) {
        return "Request headers are " + headerBytes + " bytes, more than the " + settings.maxHeaderBytes() + " allowed\n";
    }

    private static Response notServed(Optional<WorkerSlot> slot, String path) {
        return slot.isEmpty() ? Response.text(404, "No worker serves " + path)
                : Response.text(503, "Worker \"" + slot.get().name() + "\" is not loaded");
    }

    // After the response (or instead of it): un-awaited async work is cancelled, waitUntil work gets its grace.
    private void responded(Pipeline pipeline) {
        if (pipeline.responseSent(timer, settings.waitUntilGrace())) {
            lingering.removeIf(p -> !p.hasRunningBackgroundWork());
            lingering.add(pipeline);
        }
    }

    // The client's error, in one log line and never a stack trace; null when the client is gone (no answer).
    private Response answerTo(BodyFailure failure, ClientTimeouts.Connection connection, String requestId) {
        String client = "client " + connection.remote();
        return switch (failure) {
            // ClientTimeouts logged the drop.
            case TIMED_OUT -> Response.text(408, "Request Timeout: the request body stopped arriving for "
                    + settings.readTimeout().toMillis() + " ms (request id " + requestId + ")\n");
            case TOO_LARGE -> {
                LOG.log(Level.INFO, "request " + requestId + ": the chunked body of " + client + " grew past --max-body ("
                        + settings.maxBodyBytes() + " bytes); answered 413 and closed the connection");
                yield Response.text(413, "Request Entity Too Large: the request body is larger than the "
                        + settings.maxBodyBytes() + " bytes allowed (request id " + requestId + ")\n");
            }
            case MALFORMED -> {
                LOG.log(Level.INFO, "request " + requestId + ": the request body of " + client + " is malformed ("
                        + connection.bodyFailureDetail() + "); answered 400 and closed the connection");
                yield Response.text(400, "Bad Request: the request body's chunked encoding is malformed (request id "
                        + requestId + ")\n");
            }
            case GONE -> {
                LOG.log(Level.INFO, "request " + requestId + ": " + client + " closed the connection after "
                        + connection.bodyBytes() + " bytes of its request body");
                yield null;
            }
        };
    }

    // The header block as sent: "name: value\r\n" per value.
    private static int headerBytes(ServerRequestHeaders headers) {
        int bytes = 0;
        for (Header header : headers) {
            int name = header.name().length() + 4;
            if (header.valueCount() == 1) {
                bytes += name + header.get().length();
            } else {
                for (String value : header.allValues()) {
                    bytes += name + value.length();
                }
            }
        }
        return bytes;
    }

    private static Response call(Pipeline pipeline, LoadedWorker worker, Request request,
            ClientTimeouts.Connection connection, RequestObservation observed) {
        try {
            return WorkerCall.topLevelFetch(pipeline, worker, request);
        } catch (DeadlineExceededException e) {
            RequestLog.failed(pipeline, e);
            observed.failed(e);
            LOG.log(Level.WARNING, "[" + worker.name() + "] request " + pipeline.requestId() + " ran past its deadline", e);
            return Response.text(504, "Gateway Timeout: the request ran past its deadline (request id "
                    + pipeline.requestId() + ")\n");
        } catch (Throwable e) {
            if (connection.bodyFailure() != null) {
                // The client's body failed (see answerTo): serve answers it, with no stack trace.
                return Response.empty(400);
            }
            RequestLog.failed(pipeline, e);
            observed.failed(e);
            LOG.log(Level.ERROR, "[" + worker.name() + "] request " + pipeline.requestId() + " failed", e);
            return Response.text(500, "Internal Server Error (request id " + pipeline.requestId() + ")\n");
        }
    }
}
