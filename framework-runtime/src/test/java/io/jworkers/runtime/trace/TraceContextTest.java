package io.jworkers.runtime.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.trace.TracedChains.Hop;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * W3C trace context through a chain of six workers reached by every kind of binding call (fetch,
 * typed RPC, dynamic RPC, async fetch, async typed RPC), without export: the incoming trace is
 * kept, every hop has a span id of its own, and a callee's request carries its own traceparent.
 */
class TraceContextTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String PARENT = "b7ad6b7169203331";
    private static final String INCOMING = "00-" + TRACE + "-" + PARENT + "-01";

    @TempDir
    static Path dir;
    private static DevServer chain;

    @BeforeAll
    static void start() {
        chain = TracedChains.start(dir, "t", false, null);
    }

    @AfterAll
    static void stop() {
        chain.close();
    }

    @Test
    void anIncomingTraceIsKeptThroughEveryHopEachWithItsOwnSpan() {
        HttpResponse<String> response = Http.get(chain.url() + "/", "traceparent", INCOMING);
        assertEquals(200, response.statusCode());
        List<Hop> hops = TracedChains.hops(response.body());
        assertEquals(List.of("t1", "t2", "t3", "t4", "t5", "t6"), hops.stream().map(Hop::worker).toList());
        Set<String> spans = new HashSet<>();
        for (Hop hop : hops) {
            assertTrue(hop.traceparent().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"), hop.traceparent());
            assertEquals(TRACE, hop.traceId(), hop.worker());
            assertEquals("01", hop.flags(), hop.worker());
            assertNotEquals(PARENT, hop.spanId());
            assertNotEquals("0000000000000000", hop.spanId());
            spans.add(hop.spanId());
        }
        assertEquals(6, spans.size(), "distinct span ids: " + hops);
        // The first worker sees the client's header; a callee of a fetch (t2; t5 through fetchAsync,
        // whose caller set its own traceparent on the request) sees its own hop's; RPC has no request.
        assertEquals(INCOMING, hops.get(0).header());
        assertEquals(hops.get(1).traceparent(), hops.get(1).header());
        assertEquals("-", hops.get(2).header());
        assertEquals("-", hops.get(3).header());
        assertEquals(hops.get(4).traceparent(), hops.get(4).header());
        assertEquals("-", hops.get(5).header());
    }

    @Test
    void withoutATraceparentTheRequestStartsATraceWhoseIdIsTheRequestId() {
        HttpResponse<String> response = Http.get(chain.url() + "/");
        List<Hop> hops = TracedChains.hops(response.body());
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertEquals("none", hops.get(0).header());
        for (Hop hop : hops) {
            assertEquals(requestId, hop.traceId(), hop.worker());
            assertEquals("00", hop.flags(), "not sampled: nothing records spans");
        }
        assertEquals(6, hops.stream().map(Hop::spanId).distinct().count());
        // Another request, another trace.
        assertNotEquals(hops.get(0).traceId(), TracedChains.hops(Http.get(chain.url() + "/").body()).get(0).traceId());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00-00000000000000000000000000000000-b7ad6b7169203331-01", // all-zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", // all-zero parent
        "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01", // upper case
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", // version ff
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", // version 00 has four fields
        "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01", // short trace id
        "garbage"})
    void anInvalidTraceparentGetsAFreshTrace(String traceparent) {
        HttpResponse<String> response = Http.get(chain.url() + "/", "traceparent", traceparent, "x-request-id", "my-id-1");
        List<Hop> hops = TracedChains.hops(response.body());
        String trace = hops.get(0).traceId();
        assertTrue(trace.matches("[0-9a-f]{32}") && !trace.equals(TRACE) && !trace.equals("0".repeat(32)), trace);
        hops.forEach(hop -> assertEquals(trace, hop.traceId()));
        assertEquals(traceparent, hops.get(0).header(), "the worker still sees what the client sent");
    }

    @Test
    void aLaterVersionsTraceparentIsReadByItsFirstFourFields() {
        String later = "01-" + TRACE + "-" + PARENT + "-01-what-comes-next";
        List<Hop> hops = TracedChains.hops(Http.get(chain.url() + "/", "traceparent", later).body());
        hops.forEach(hop -> assertEquals(TRACE, hop.traceId()));
    }
}
