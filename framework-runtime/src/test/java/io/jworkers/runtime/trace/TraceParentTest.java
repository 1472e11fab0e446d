package io.jworkers.runtime.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** W3C traceparent parsing and writing. */
class TraceParentTest {

    @Test
    void readsAndWritesTheFourFields() {
        String header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        TraceParent.Incoming in = TraceParent.parse(" " + header + " ");
        assertEquals(0x4bf92f3577b34da6L, in.traceHigh());
        assertEquals(0xa3ce929d0e0e4736L, in.traceLow());
        assertEquals(0x00f067aa0ba902b7L, in.parentSpanId());
        assertEquals(1, in.flags());
        assertEquals(header, TraceParent.format(in.traceHigh(), in.traceLow(), in.parentSpanId(), in.flags()));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.traceId(in.traceHigh(), in.traceLow()));
        assertEquals("000000000000000f", TraceParent.spanId(15));
    }

    @Test
    void rejectsWhatW3cRejects() {
        assertNull(TraceParent.parse(null));
        assertNull(TraceParent.parse(""));
        assertNull(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g"));
        assertNull(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-"));
        assertNull(TraceParent.parse("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertNull(TraceParent.parse("0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertEquals(0x4bf92f3577b34da6L, TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")
                .traceHigh(), "a later version: the first four fields");
        assertNull(TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
    }

    @Test
    void aRequestIdOf32HexDigitsIsATraceId() {
        assertEquals(0x0af7651916cd43ddL, TraceParent.traceIdOf("0af7651916cd43dd8448eb211c80319c")[0]);
        assertNull(TraceParent.traceIdOf("my-request-id"));
        assertNull(TraceParent.traceIdOf("0".repeat(32)));
        assertEquals(0x8448eb211c80319cL, TraceParent.traceIdOf("0af7651916cd43dd8448eb211c80319c")[1]);
        assertEquals(1L, TraceParent.traceIdOf("0".repeat(31) + "1")[1]);
        assertEquals(0L, TraceParent.traceIdOf("0".repeat(31) + "1")[0]);
        assertNull(TraceParent.traceIdOf("0af7651916cd43dd8448eb211c80319g"), "a non-hex digit at the end");
        assertNull(TraceParent.traceIdOf("0AF7651916CD43DD8448EB211C80319C"), "upper case is not a W3C trace id");
        assertNull(TraceParent.traceIdOf("0af7651916cd43dd8448eb211c80319"), "31 digits");
    }
}
