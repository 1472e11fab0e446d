package io.jworkers.runtime.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends one tail's events as server-sent events ({@code text/event-stream}): a comment when it
 * starts listening, then {@code data: {event JSON}} per event, {@code event: dropped} with
 * {@code {"dropped":N}} when events were dropped because the client read too slowly, and a
 * comment as heartbeat when nothing happens (which also tells a client that went away).
 * Written by hand on Helidon's response stream: one writer, one flush per message.
 */
public final class TailStream {

    /** How long the stream stays silent before a heartbeat. */
    static final long HEARTBEAT_MILLIS = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private TailStream() {
    }

    /**
     * Streams a tail until its client goes away or the host closes it. Runs on the admin
     * request's thread.
     *
     * @param hub the host's tails
     * @param filter what the tail listens for
     * @param response the admin response
     * @throws TooManyTailsException when the host serves its most tails already (nothing sent yet)
     */
    public static void serve(TailHub hub, TailFilter filter, ServerResponse response) {
        TailSession session = hub.open(filter);
        try {
            response.status(200);
            response.header("content-type", "text/event-stream; charset=utf-8");
            response.header("cache-control", "no-store");
            response.header("x-accel-buffering", "no");
            OutputStream out = response.outputStream();
            write(out, ": listening for " + filter.worker() + " in " + filter.environment() + "\n\n");
            // An interrupt is the listener stopping this connection: the stream ends with it.
            while (!session.closed() && !Thread.currentThread().isInterrupted()) {
                long dropped = session.takeDropped();
                if (dropped > 0) {
                    Map<String, Object> notice = new LinkedHashMap<>();
                    notice.put("dropped", dropped);
                    notice.put("timestamp", System.currentTimeMillis());
                    write(out, "event: dropped\ndata: " + JSON.writeValueAsString(notice) + "\n\n");
                }
                Map<String, Object> event = session.next(HEARTBEAT_MILLIS);
                if (event != null) {
                    write(out, "data: " + JSON.writeValueAsString(event) + "\n\n");
                } else if (!session.closed() && session.dropped() == 0) {
                    write(out, ":\n\n");
                }
            }
            out.close();
        } catch (IOException | UncheckedIOException e) {
            // The client went away: nothing to tell it.
        } finally {
            hub.close(session);
        }
    }

    private static void write(OutputStream out, String message) throws IOException {
        out.write(message.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
