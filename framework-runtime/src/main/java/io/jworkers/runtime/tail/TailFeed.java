package io.jworkers.runtime.tail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jworkers.runtime.dashboard.LiveTail;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The host's tails as the dashboard's live-log panel reads them: a tail of one worker
 * environment without filters, counted against the same limit as {@code jworkers tail}, its
 * events pushed as JSON from a virtual thread of its own until the panel closes it.
 */
public final class TailFeed implements LiveTail {

    // Made when a panel first opens a tail, not with the host: a mapper costs start-up time.
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final TailHub hub;

    /**
     * A feed of a host's tails.
     *
     * @param hub the host's tails
     */
    public TailFeed(TailHub hub) {
        this.hub = hub;
    }

    @Override
    public AutoCloseable open(String worker, String environment, Consumer<String> events) {
        TailSession session;
        try {
            session = hub.open(new TailFilter(worker, environment, null, null, null));
        } catch (TooManyTailsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Thread.ofVirtual().name("jworkers-dashboard-tail-" + worker).start(() -> {
            try {
                while (!session.closed() && !Thread.currentThread().isInterrupted()) {
                    Map<String, Object> event = session.next(TailStream.HEARTBEAT_MILLIS);
                    if (event != null) {
                        try {
                            events.accept(Json.MAPPER.writeValueAsString(event));
                        } catch (JsonProcessingException e) {
                            // A map of strings, numbers and lists always serialises.
                            throw new IllegalStateException(e);
                        }
                    }
                }
            } finally {
                // The host closed it, the panel did, or the panel's sink failed: either way it no
                // longer counts, and a closing host waits for no feed of a panel that might never close it.
                hub.close(session);
            }
        });
        return () -> hub.close(session); // wakes the pump, which then sees the session closed
    }
}
