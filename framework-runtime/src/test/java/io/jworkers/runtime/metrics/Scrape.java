package io.jworkers.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jworkers.runtime.testing.Http;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;

/**
 * One {@code GET /metrics} over HTTP, parsed by Hawkular's Prometheus text-format parser (an
 * established parser, not ours), with look-ups by family name and exact label sets.
 */
final class Scrape {

    private final Map<String, MetricFamily> families = new LinkedHashMap<>();
    private final String text;

    private Scrape(String text) {
        this.text = text;
        TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        try {
            for (MetricFamily family = parser.parse(); family != null; family = parser.parse()) {
                families.put(family.getName(), family);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GETs {@code url} and parses it, checking the status and content type.
     *
     * @param url the metrics URL
     * @param headers request headers (name, value, ...)
     * @return the parsed scrape
     */
    static Scrape of(String url, String... headers) {
        HttpResponse<String> response = Http.get(url, headers);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("content-type").orElse(null));
        return new Scrape(response.body());
    }

    String text() {
        return text;
    }

    boolean has(String family) {
        return families.containsKey(family);
    }

    MetricType type(String family) {
        return family(family).getType();
    }

    List<Metric> metrics(String family) {
        return family(family).getMetrics();
    }

    /** The value of the counter with exactly these labels; 0 when the family has no such series. */
    double counter(String family, Map<String, String> labels) {
        MetricFamily found = families.get(family);
        if (found == null) {
            return 0;
        }
        assertEquals(MetricType.COUNTER, found.getType(), family);
        return found.getMetrics().stream().filter(metric -> metric.getLabels().equals(labels))
                .mapToDouble(metric -> ((Counter) metric).getValue()).sum();
    }

    double gauge(String family, Map<String, String> labels) {
        MetricFamily found = family(family);
        assertEquals(MetricType.GAUGE, found.getType(), family);
        return found.getMetrics().stream().filter(metric -> metric.getLabels().equals(labels))
                .mapToDouble(metric -> ((Gauge) metric).getValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + family + labels + " in\n" + text));
    }

    Histogram histogram(String family, Map<String, String> labels) {
        MetricFamily found = family(family);
        assertEquals(MetricType.HISTOGRAM, found.getType(), family);
        return found.getMetrics().stream().filter(metric -> metric.getLabels().equals(labels))
                .map(Histogram.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + family + labels + " in\n" + text));
    }

    /** The sum of a counter family over all its series. */
    double total(String family) {
        MetricFamily found = families.get(family);
        return found == null ? 0 : found.getMetrics().stream().mapToDouble(metric -> ((Counter) metric).getValue()).sum();
    }

    private MetricFamily family(String name) {
        MetricFamily found = families.get(name);
        assertNotNull(found, "no family " + name + " in\n" + text);
        return found;
    }
}
