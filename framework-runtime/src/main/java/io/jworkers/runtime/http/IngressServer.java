package io.jworkers.runtime.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jworkers.api.DeadlineExceededException;
import io.jworkers.api.Response;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The public HTTP listener: Helidon's WebServer on virtual threads, each request routed to one
 * public worker, which opens the request's pipeline. A failure that escapes the worker becomes a
 * short 500 (504 past the deadline) naming the request id; its stack goes to the log only.
 */
public final class IngressServer implements AutoCloseable {

    /** Largest request body accepted before answering 413: large enough for uploads, bounded. */
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 100L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger("jworkers.ingress");

    private final WebServer server;
    private final WorkerRouter router;

    private IngressServer(String host, int port, WorkerRouter router) {
        this.router = router;
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(DEFAULT_MAX_PAYLOAD_BYTES)
                .shutdownHook(false)
                .routing(routing -> routing.any(this::handle))
                .build();
    }

    /**
     * Starts a listener.
     *
     * @param host the address to bind, e.g. {@code 127.0.0.1}
     * @param port the port, 0 for a free one
     * @param router which worker serves which path
     * @return the started server
     */
    public static IngressServer start(String host, int port, WorkerRouter router) {
        IngressServer ingress = new IngressServer(host, port, router);
        ingress.server.start();
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

    /** Stops accepting and closes the listener. */
    @Override
    public void close() {
        server.stop();
    }

    private void handle(ServerRequest request, ServerResponse response) {
        long start = System.nanoTime();
        String requestId = RequestIds.fromHeaderOrNew(
                request.headers().first(HeaderNames.create(RequestIds.HEADER)).orElse(null));
        String method = request.prologue().method().text();
        String path = request.path().path();
        Optional<WorkerSlot> slot = router.route(path);
        LoadedWorker worker = slot.map(WorkerSlot::current).orElse(null);
        if (worker == null) {
            int status = slot.isEmpty() ? 404 : 503;
            HttpMessages.sendText(response, status, slot.isEmpty()
                    ? "No worker serves " + path
                    : "Worker \"" + slot.get().name() + "\" is not loaded", requestId);
            AccessLog.log(method, path, status, start, requestId, List.of());
            return;
        }
        Pipeline pipeline = new Pipeline(requestId, worker.config().limits().subrequests(),
                Duration.ofMillis(worker.config().limits().timeoutMs()));
        Response result = serve(pipeline, worker, request);
        int status = result.status();
        try {
            HttpMessages.send(result, response, requestId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "[" + worker.name() + "] sending the response of request " + requestId + " failed", e);
        }
        AccessLog.log(method, path, status, start, requestId, pipeline.visitedWorkers());
    }

    private static Response serve(Pipeline pipeline, LoadedWorker worker, ServerRequest request) {
        try {
            return WorkerCall.topLevelFetch(pipeline, worker, HttpMessages.toRequest(request));
        } catch (DeadlineExceededException e) {
            LOG.log(Level.WARNING, "[" + worker.name() + "] request " + pipeline.requestId() + " ran past its deadline", e);
            return Response.text(504, "Gateway Timeout: the request ran past its deadline (request id "
                    + pipeline.requestId() + ")\n");
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "[" + worker.name() + "] request " + pipeline.requestId() + " failed", e);
            return Response.text(500, "Internal Server Error (request id " + pipeline.requestId() + ")\n");
        }
    }
}
