package io.jworkers.runtime.cli;

import io.jworkers.runtime.trace.OtlpSpanSink;
import io.jworkers.runtime.trace.SpanSink;

/** {@code --otlp-endpoint URL} of serve and dev: export a span per worker hop over OTLP/HTTP. */
final class OtlpOption {

    static final CommandLine.Option OPTION = new CommandLine.Option("--otlp-endpoint", null, "URL",
            "export a span per worker call over OTLP/HTTP, e.g. http://127.0.0.1:4318 (/v1/traces is added); off by default");

    private OtlpOption() {
    }

    // The sink, or null without the option; the URL is checked before anything starts.
    static SpanSink start(String command, CommandLine line) {
        String endpoint = line.last("--otlp-endpoint").orElse(null);
        if (endpoint == null) {
            return null;
        }
        try {
            OtlpSpanSink.tracesUrl(endpoint);
        } catch (IllegalArgumentException e) {
            throw new UsageException("jworkers " + command + ": " + e.getMessage());
        }
        return OtlpSpanSink.start(endpoint);
    }

    static void close(SpanSink sink) {
        if (sink != null) {
            sink.close();
        }
    }
}
