package io.jworkers.runtime.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Exports the spans of worker hops over OTLP/HTTP (protobuf) with OpenTelemetry's SDK and its
 * batch span processor: a span is queued on the hop's thread and sent from the processor's thread,
 * in batches; a full queue drops spans rather than slow a request down.
 *
 * <p>The ids are the host's: a hop's span id exists before its span (a worker may have read it
 * through {@code ctx().traceparent()}, a callee's request carried it), so the SDK's id generator
 * hands out the id this thread is about to record. The sampling decision is the trace's:
 * a {@code traceparent} whose sampled flag is off is not exported (the pipeline gives such a
 * trace no sink at all).
 */
public final class OtlpSpanSink implements SpanSink {

    private static final AttributeKey<String> WORKER = AttributeKey.stringKey("jworkers.worker");
    private static final AttributeKey<Long> VERSION = AttributeKey.longKey("jworkers.version");
    private static final AttributeKey<String> ENVIRONMENT = AttributeKey.stringKey("jworkers.environment");
    private static final AttributeKey<String> BINDING = AttributeKey.stringKey("jworkers.binding");
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("jworkers.kind");
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    // The ids of the span this thread is recording, for the id generator (see the class comment).
    private static final ThreadLocal<String[]> NEXT_IDS = ThreadLocal.withInitial(() -> new String[2]);

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private OtlpSpanSink(SpanExporter exporter, Duration delay) {
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "jworkers"))))
                .setIdGenerator(new HostIds())
                .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(delay).build())
                .build();
        this.tracer = provider.get("io.jworkers.runtime");
    }

    /**
     * A sink that sends to an OTLP/HTTP endpoint.
     *
     * @param endpoint the collector's URL: {@code http://collector:4318} (then {@code /v1/traces}
     *     is added, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} does) or the full URL of the traces path
     * @return the sink; {@link #close()} it when the host stops
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public static OtlpSpanSink start(String endpoint) {
        return start(endpoint, Duration.ofSeconds(1));
    }

    /**
     * As {@link #start(String)}, with how long the batch processor waits before sending a batch
     * that is not full (tests use a short delay).
     *
     * @param endpoint the collector's URL
     * @param delay the batch delay
     * @return the sink
     */
    public static OtlpSpanSink start(String endpoint, Duration delay) {
        return new OtlpSpanSink(OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(endpoint)).build(), delay);
    }

    /**
     * The URL the spans are posted to.
     *
     * @param endpoint what the user gave
     * @return the traces URL
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public static String tracesUrl(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--otlp-endpoint must be a URL such as http://127.0.0.1:4318, got \""
                    + endpoint + "\"");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("--otlp-endpoint must be an http or https URL such as http://127.0.0.1:4318,"
                    + " got \"" + endpoint + "\"");
        }
        String path = uri.getRawPath();
        String text = uri.toString();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/v1/traces";
        }
        return text;
    }

    @Override
    public void hopEnded(long traceHigh, long traceLow, int flags, long spanId, long parentSpanId, HopTags tags,
            long startEpochNanos, long endEpochNanos, int status, Throwable error) {
        String traceId = TraceParent.traceId(traceHigh, traceLow);
        String name = tags.method() != null ? tags.worker() + "." + tags.method()
                : tags.binding() == null ? "fetch " + tags.worker() : "fetch " + tags.worker() + " (" + tags.binding() + ")";
        SpanBuilder builder = tracer.spanBuilder(name)
                .setSpanKind(tags.binding() == null ? SpanKind.SERVER : SpanKind.INTERNAL)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .setAttribute(WORKER, tags.worker())
                .setAttribute(KIND, tags.kind());
        if (tags.version() > 0) {
            builder.setAttribute(VERSION, (long) tags.version());
        }
        if (tags.environment() != null) {
            builder.setAttribute(ENVIRONMENT, tags.environment());
        }
        if (tags.binding() != null) {
            builder.setAttribute(BINDING, tags.binding());
        }
        if (tags.method() != null) {
            builder.setAttribute(METHOD, tags.method());
        }
        if (status > 0) {
            builder.setAttribute(STATUS, (long) status);
        }
        if (parentSpanId != 0) {
            builder.setParent(Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(traceId,
                    TraceParent.spanId(parentSpanId), TraceFlags.fromByte((byte) flags), TraceState.getDefault()))));
        } else {
            builder.setNoParent();
        }
        String[] ids = NEXT_IDS.get();
        ids[0] = traceId;
        ids[1] = TraceParent.spanId(spanId);
        Span span;
        try {
            span = builder.startSpan();
        } finally {
            ids[0] = null;
            ids[1] = null;
        }
        if (error != null) {
            span.setAttribute(ERROR_TYPE, error.getClass().getName());
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        } else if (status >= 500) {
            span.setStatus(StatusCode.ERROR, "HTTP " + status);
        }
        span.end(endEpochNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }

    // Hands the SDK the ids this thread is recording; random ones for spans the host did not start.
    private static final class HostIds implements IdGenerator {
        private final IdGenerator random = IdGenerator.random();

        @Override
        public String generateSpanId() {
            String id = NEXT_IDS.get()[1];
            return id != null ? id : random.generateSpanId();
        }

        @Override
        public String generateTraceId() {
            String id = NEXT_IDS.get()[0];
            return id != null ? id : random.generateTraceId();
        }
    }
}
