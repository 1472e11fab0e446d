package io.jworkers.runtime.trace;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small OTLP/HTTP traces receiver for tests: accepts {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf and keeps the spans, decoded with a minimal
 * protobuf wire reader (only the fields the tests assert: ids, name, kind, attributes, status).
 */
final class OtlpReceiver implements AutoCloseable {

    /** One received span; ids in hex, attributes as strings (ints in decimal). */
    record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, int kind,
            Map<String, String> attributes, int statusCode, String statusMessage, long start, long end) {
    }

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String type = exchange.getRequestHeaders().getFirst("content-type");
                if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/v1/traces")
                        || !"application/x-protobuf".equals(type)) {
                    synchronized (this) {
                        problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + type);
                    }
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                List<ReceivedSpan> decoded = decodeRequest(body);
                synchronized (this) {
                    spans.addAll(decoded);
                    notifyAll();
                }
                exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits until {@code count} spans of the trace have arrived (the test's timeout bounds it), and returns them. */
    synchronized List<ReceivedSpan> await(String traceId, int count) throws InterruptedException {
        Predicate<ReceivedSpan> ofTrace = span -> span.traceId().equals(traceId);
        while (spans.stream().filter(ofTrace).count() < count) {
            wait(TimeUnit.SECONDS.toMillis(1));
        }
        return spans.stream().filter(ofTrace).toList();
    }

    synchronized List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportTraceServiceRequest: 1 resource_spans; ResourceSpans: 2 scope_spans; ScopeSpans: 2 spans.
    private static List<ReceivedSpan> decodeRequest(byte[] body) {
        List<ReceivedSpan> out = new ArrayList<>();
        for (byte[] resourceSpans : new Wire(body).messages(1)) {
            for (byte[] scopeSpans : new Wire(resourceSpans).messages(2)) {
                for (byte[] span : new Wire(scopeSpans).messages(2)) {
                    out.add(decodeSpan(span));
                }
            }
        }
        return out;
    }

    private static ReceivedSpan decodeSpan(byte[] bytes) {
        Map<Integer, List<Object>> fields = new Wire(bytes).fields();
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Object keyValue : fields.getOrDefault(9, List.of())) {
            Map<Integer, List<Object>> kv = new Wire((byte[]) keyValue).fields();
            String key = text(kv.get(1).get(0));
            Map<Integer, List<Object>> any = new Wire((byte[]) kv.get(2).get(0)).fields();
            String value = any.containsKey(1) ? text(any.get(1).get(0)) : any.containsKey(3) ? String.valueOf(any.get(3).get(0))
                    : any.containsKey(2) ? String.valueOf((Long) any.get(2).get(0) != 0) : String.valueOf(any);
            attributes.put(key, value);
        }
        int statusCode = 0;
        String statusMessage = "";
        if (fields.containsKey(15)) {
            Map<Integer, List<Object>> status = new Wire((byte[]) fields.get(15).get(0)).fields();
            statusCode = status.containsKey(3) ? ((Long) status.get(3).get(0)).intValue() : 0;
            statusMessage = status.containsKey(2) ? text(status.get(2).get(0)) : "";
        }
        return new ReceivedSpan(hex(fields, 1), hex(fields, 2), hex(fields, 4), text(fields.get(5).get(0)),
                fields.containsKey(6) ? ((Long) fields.get(6).get(0)).intValue() : 0, attributes, statusCode, statusMessage,
                (Long) fields.get(7).get(0), (Long) fields.get(8).get(0));
    }

    private static String hex(Map<Integer, List<Object>> fields, int number) {
        List<Object> values = fields.get(number);
        return values == null ? "" : HexFormat.of().formatHex((byte[]) values.get(0));
    }

    private static String text(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    /** The protobuf wire format: varints (Long), fixed64/fixed32 (Long), length-delimited (byte[]). */
    private static final class Wire {
        private final ByteBuffer in;

        Wire(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        List<byte[]> messages(int number) {
            List<byte[]> out = new ArrayList<>();
            for (Object value : fields().getOrDefault(number, List.of())) {
                out.add((byte[]) value);
            }
            return out;
        }

        Map<Integer, List<Object>> fields() {
            Map<Integer, List<Object>> fields = new LinkedHashMap<>();
            while (in.hasRemaining()) {
                long tag = varint();
                int number = (int) (tag >>> 3);
                Object value = switch ((int) (tag & 7)) {
                    case 0 -> varint();
                    case 1 -> in.getLong();
                    case 2 -> {
                        byte[] bytes = new byte[(int) varint()];
                        in.get(bytes);
                        yield bytes;
                    }
                    case 5 -> (long) in.getInt();
                    default -> throw new IllegalStateException("wire type " + (tag & 7));
                };
                fields.computeIfAbsent(number, n -> new ArrayList<>()).add(value);
            }
            return fields;
        }

        private long varint() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = in.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }
    }

}
