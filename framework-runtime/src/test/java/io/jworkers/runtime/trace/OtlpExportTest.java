package io.jworkers.runtime.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.trace.OtlpReceiver.ReceivedSpan;
import io.jworkers.runtime.trace.TracedChains.Hop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spans over OTLP/HTTP: a real exporter (OpenTelemetry's SDK, batch processor) posting to a small
 * receiver in the test; one span per worker hop with the host's ids, parent links, attributes and
 * errors.
 */
@Timeout(60)
class OtlpExportTest {

    private static final String PARENT = "b7ad6b7169203331";

    @TempDir
    static Path dir;
    private static OtlpReceiver receiver;
    private static SpanSink sink;
    private static DevServer chain;
    private static DevServer failing;

    @BeforeAll
    static void start() throws Exception {
        receiver = new OtlpReceiver();
        sink = OtlpSpanSink.start(receiver.endpoint(), Duration.ofMillis(50));
        chain = TracedChains.start(dir, "e", false, sink);
        failing = TracedChains.start(dir, "f", true, sink);
    }

    @AfterAll
    static void stop() {
        chain.close();
        failing.close();
        sink.close();
        receiver.close();
    }

    @Test
    void everyHopIsASpanWithItsParentAndAttributes() throws Exception {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        List<Hop> hops = TracedChains.hops(Http.get(chain.url() + "/", "traceparent", "00-" + trace + "-" + PARENT + "-01").body());
        Map<String, ReceivedSpan> spans = receiver.await(trace, 6).stream()
                .collect(Collectors.toMap(span -> span.attributes().get("jworkers.worker"), Function.identity()));
        assertEquals(6, spans.size(), spans.toString());
        String parent = PARENT;
        for (int i = 0; i < hops.size(); i++) {
            Hop hop = hops.get(i);
            ReceivedSpan span = spans.get(hop.worker());
            assertEquals(hop.spanId(), span.spanId(), "the span id the worker saw in ctx(): " + hop.worker());
            assertEquals(parent, span.parentSpanId(), "parent of " + hop.worker());
            parent = span.spanId();
            assertEquals("1", span.attributes().get("jworkers.version"));
            assertEquals("production", span.attributes().get("jworkers.environment"));
            assertEquals(0, span.statusCode(), "unset status: " + span);
            assertTrue(span.end() >= span.start(), span.toString());
        }
        ReceivedSpan top = spans.get("e1");
        assertEquals(Map.of("jworkers.worker", "e1", "jworkers.version", "1", "jworkers.environment", "production",
                "jworkers.kind", "fetch", "http.response.status_code", "200"), top.attributes());
        assertEquals(2, top.kind(), "SERVER");
        assertEquals("fetch e1", top.name());
        // e2 by fetch, e3 by typed RPC, e4 by dynamic RPC, e5 by fetchAsync, e6 by async typed RPC.
        assertEquals(Map.of("jworkers.worker", "e2", "jworkers.version", "1", "jworkers.environment", "production",
                "jworkers.binding", "NEXT", "jworkers.kind", "fetch", "http.response.status_code", "200"),
                spans.get("e2").attributes());
        for (String rpc : List.of("e3", "e4", "e6")) {
            assertEquals(Map.of("jworkers.worker", rpc, "jworkers.version", "1", "jworkers.environment", "production",
                    "jworkers.binding", "NEXT", "jworkers.kind", "rpc", "rpc.method", "hops"), spans.get(rpc).attributes());
            assertEquals(rpc + ".hops", spans.get(rpc).name());
            assertEquals(1, spans.get(rpc).kind(), "INTERNAL");
        }
        assertEquals("fetch", spans.get("e5").attributes().get("jworkers.kind"));
        assertEquals("200", spans.get("e5").attributes().get("http.response.status_code"));
        assertEquals(List.of(), receiver.problems());
    }

    @Test
    void aFreshTraceIsARootAndAThrowingHopIsAnError() throws Exception {
        var response = Http.get(failing.url() + "/");
        List<Hop> hops = TracedChains.hops(response.body());
        assertEquals("NEXT failed", response.body().lines().toList().getLast());
        String trace = hops.get(0).traceId();
        assertEquals("01", hops.get(0).flags(), "sampled: spans are exported");
        Map<String, ReceivedSpan> spans = receiver.await(trace, 6).stream()
                .collect(Collectors.toMap(span -> span.attributes().get("jworkers.worker"), Function.identity()));
        assertEquals("", spans.get("f1").parentSpanId(), "a root");
        ReceivedSpan failed = spans.get("f6");
        assertEquals(spans.get("f5").spanId(), failed.parentSpanId());
        assertEquals(2, failed.statusCode(), "ERROR: " + failed);
        assertEquals("failing as configured", failed.statusMessage());
        assertEquals("java.lang.IllegalStateException", failed.attributes().get("error.type"));
        assertEquals(0, spans.get("f5").statusCode(), "the caller caught it");
    }

    @Test
    void anUnsampledTraceIsNotExported() throws Exception {
        String unsampled = "11111111111111111111111111111111";
        List<Hop> hops = TracedChains.hops(Http.get(chain.url() + "/", "traceparent",
                "00-" + unsampled + "-" + PARENT + "-00").body());
        assertEquals("00", hops.get(5).flags());
        // A sampled request after it: once its spans are in, the unsampled one's would be too.
        String sampled = "22222222222222222222222222222222";
        Http.get(chain.url() + "/", "traceparent", "00-" + sampled + "-" + PARENT + "-01");
        receiver.await(sampled, 6);
        assertFalse(receiver.spans().stream().anyMatch(span -> span.traceId().equals(unsampled)));
    }
}
