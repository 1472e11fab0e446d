package io.jworkers.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.bridge.HostBridge;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The callee's view of a binding fetch's request: the caller's, with its own traceparent made on first read. */
class HeaderOverrideTest {

    private static final String MINE = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";

    @Test
    void aHeaderIsReplacedWhereItWasAndMadeOnce() {
        Request caller = Request.builder("POST", "http://gateway/notes?x=1").header("x-a", "1")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").header("x-b", "2")
                .body("hello").build();
        AtomicInteger made = new AtomicInteger();
        Request callee = HostBridge.messages().withHeader(caller, "traceparent", () -> {
            made.incrementAndGet();
            return MINE;
        });
        assertEquals(0, made.get(), "not made until read");
        assertEquals("POST", callee.method());
        assertEquals("/notes", callee.path());
        assertEquals(MINE, callee.headers().get("TraceParent"));
        assertEquals(List.of(MINE), callee.headers().all("traceparent"));
        assertEquals("1", callee.headers().get("x-a"));
        assertEquals(List.of("x-a", "traceparent", "x-b", "content-type"), List.copyOf(callee.headers().names()));
        assertEquals(MINE, callee.headers().toBuilder().build().get("traceparent"));
        assertEquals(1, made.get());
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", caller.headers().get("traceparent"),
                "the caller's request is unchanged");
        // One body, as when the caller's request itself is passed: reading one consumes both.
        assertEquals("hello", callee.text());
        assertTrue(caller.bodyUsed());
        assertThrows(IllegalStateException.class, caller::text);
    }

    @Test
    void anAbsentHeaderIsAddedLast() {
        Request caller = Request.builder("GET", "http://gateway/").header("x-a", "1").build();
        Request callee = HostBridge.messages().withHeader(caller, "traceparent", () -> MINE);
        assertTrue(callee.headers().has("traceparent"));
        assertEquals(List.of("x-a", "traceparent"), List.copyOf(callee.headers().names()));
        assertEquals(Headers.of("x-a", "1", "traceparent", MINE), callee.headers());
        assertSame(callee.headers().all("traceparent"), callee.headers().all("traceparent"));
    }
}
