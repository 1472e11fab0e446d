package io.jworkers.runtime.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import io.jworkers.api.DeadlineExceededException;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.runtime.host.RequestEpochs;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The public HTTP listener: Helidon's WebServer on virtual threads, each request routed to one
 * public worker, which opens the request's pipeline. A failure that escapes the worker becomes a
 * short 500 (504 past the deadline) naming the request id; its stack goes to the log only. After
 * the response, the pipeline's un-awaited async work is cancelled and its {@code waitUntil} work
 * gets the grace period. {@link #close()} drains: in-flight requests and {@code waitUntil} work
 * get the shutdown grace period before the listener stops. Clients that stop sending are dropped
 * by {@link ClientTimeouts}.
 */
public final class IngressServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.ingress");
    private static final int HEADER_HEADROOM = 4;

    private final WebServer server;
    private final WorkerRouter router;
    private final RequestEpochs requests;
    private final IngressSettings settings;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jworkers-grace-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final ClientTimeouts clientTimeouts;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<Pipeline> lingering = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    private IngressServer(IngressSettings settings, WorkerRouter router, RequestEpochs requests) {
        this.router = router;
        this.requests = requests;
        this.settings = settings;
        this.clientTimeouts = new ClientTimeouts(settings.readTimeout(), settings.idleTimeout(), timer);
        this.server = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                .maxPayloadSize(settings.maxBodyBytes())
                // Helidon's own idle check, kept equal to ours so that neither closes keep-alive
                // connections earlier than configured; ClientTimeouts also covers what it misses.
                .idleConnectionTimeout(settings.idleTimeout())
                .connectionOptions(new AcceptedSockets(SocketOptions.create(), clientTimeouts::accepted))
                .addProtocol(Http1Config.builder()
                        // Helidon answers its own limit with a bare 400 and no reason we could map, so it gets
                        // four times ours and the ingress itself answers 431 past ours (see serve).
                        .maxHeadersSize(HEADER_HEADROOM * settings.maxHeaderBytes())
                        .maxPrologueLength(settings.maxRequestLineBytes())
                        // HttpMessages.send checks worker headers as Helidon would, for less: Helidon's
                        // check of every response header was 4 % of the CPU of a request through
                        // three workers. Helidon still validates request headers.
                        .validateResponseHeaders(false)
                        .build())
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
        IngressServer ingress = new IngressServer(settings, router, requests);
        ingress.server.start();
        if (!ingress.server.isRunning()) {
            throw ListenFailure.of(settings.host(), settings.port(), "--port");
        }
        return ingress;
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
        server.stop();
        clientTimeouts.close();
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
            clientTimeouts.requestEnded(connection);
            if (pipeline == null) {
                requests.end(epoch);
            } else {
                // A replaced version drains until its waitUntil work is done too, not only its responses.
                pipeline.whenBackgroundDone(() -> requests.end(epoch));
            }
            inFlight.decrementAndGet();
        }
    }

    // The pipeline that served the request, or null when no worker was reached.
    private Pipeline serve(ServerRequest request, ServerResponse response, ClientTimeouts.Connection connection) {
        long start = System.nanoTime();
        String requestId = RequestIds.choose(
                request.headers().first(RequestIds.HEADER_NAME).orElse(null),
                request.headers().first(RequestIds.TRACEPARENT_NAME).orElse(null));
        String method = request.prologue().method().text();
        String path = request.path().path();
        if (draining) {
            response.header("connection", "close");
            HttpMessages.sendText(response, 503, "The host is shutting down; retry on another host.", requestId);
            AccessLog.log(method, path, 503, start, requestId, null);
            return null;
        }
        int headerBytes = headerBytes(request);
        if (headerBytes > settings.maxHeaderBytes()) {
            response.header("connection", "close");
            HttpMessages.sendText(response, 431, "Request headers are " + headerBytes + " bytes, more than the "
                    + settings.maxHeaderBytes() + " allowed\n", requestId);
            AccessLog.log(method, path, 431, start, requestId, null);
            return null;
        }
        Optional<WorkerSlot> slot = router.route(request.headers().first(HeaderNames.HOST).orElse(null), path);
        LoadedWorker worker = slot.map(WorkerSlot::current).orElse(null);
        if (worker == null) {
            int status = slot.isEmpty() ? 404 : 503;
            HttpMessages.sendText(response, status, slot.isEmpty()
                    ? "No worker serves " + path
                    : "Worker \"" + slot.get().name() + "\" is not loaded", requestId);
            AccessLog.log(method, path, status, start, requestId, null);
            return null;
        }
        Pipeline pipeline = new Pipeline(requestId, worker.config().limits().subrequests(),
                Duration.ofMillis(worker.config().limits().timeoutMs()));
        Response result = call(pipeline, worker, HttpMessages.toRequest(request, connection), connection);
        if (connection.bodyTimedOut()) {
            // Whatever the worker made of its broken body: the client is at fault, and gone for input.
            response.header("connection", "close");
            result = Response.text(408, "Request Timeout: the request body stopped arriving for "
                    + settings.readTimeout().toMillis() + " ms (request id " + requestId + ")\n");
        }
        int status = result.status();
        try {
            HttpMessages.send(result, response, requestId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "[" + worker.name() + "] sending the response of request " + requestId + " failed", e);
        } finally {
            if (pipeline.responseSent(timer, settings.waitUntilGrace())) {
                lingering.removeIf(p -> !p.hasRunningBackgroundWork());
                lingering.add(pipeline);
            }
        }
        AccessLog.log(method, path, status, start, requestId, pipeline);
        return pipeline;
    }

    // The header block as sent: "name: value\r\n" per value.
    private static int headerBytes(ServerRequest request) {
        int bytes = 0;
        for (Header header : request.headers()) {
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
            ClientTimeouts.Connection connection) {
        try {
            return WorkerCall.topLevelFetch(pipeline, worker, request);
        } catch (DeadlineExceededException e) {
            LOG.log(Level.WARNING, "[" + worker.name() + "] request " + pipeline.requestId() + " ran past its deadline", e);
            return Response.text(504, "Gateway Timeout: the request ran past its deadline (request id "
                    + pipeline.requestId() + ")\n");
        } catch (Throwable e) {
            if (connection.bodyTimedOut()) {
                // The client stopped sending the body; ClientTimeouts logged it, serve answers 408.
                return Response.empty(408);
            }
            LOG.log(Level.ERROR, "[" + worker.name() + "] request " + pipeline.requestId() + " failed", e);
            return Response.text(500, "Internal Server Error (request id " + pipeline.requestId() + ")\n");
        }
    }
}
