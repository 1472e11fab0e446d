package io.jworkers.runtime.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

/**
 * {@code GET /metrics} on an admin listener: the host's meters in Prometheus text. Whether it
 * needs a token is the listener's choice (serve's admin API wants its bearer token for everything
 * but the probes; dev's loopback listener has none).
 */
public final class MetricsRoute {

    /** The path Prometheus scrapes by default. */
    public static final String PATH = "/metrics";

    private MetricsRoute() {
    }

    /**
     * Adds the route.
     *
     * @param routing the listener's routing
     * @param metrics the host's metrics
     */
    public static void register(HttpRouting.Builder routing, HostMetrics metrics) {
        routing.get(PATH, (request, response) -> {
            String text = metrics.scrape();
            response.header(HeaderNames.CONTENT_TYPE, HostMetrics.contentType());
            response.header(HeaderNames.CACHE_CONTROL, "no-store");
            response.send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
    }
}
