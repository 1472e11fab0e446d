package io.jworkers.runtime.serve;

import io.jworkers.runtime.http.RouteTable;
import io.jworkers.runtime.http.WorkerRouter;
import io.jworkers.runtime.worker.WorkerSlot;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The public routes of every environment of {@code jworkers serve}. Production answers on any
 * host name; a preview environment answers on host names whose first label is its name
 * ({@code staging.example.com}, or {@code staging.localhost:8080}, which browsers and curl
 * resolve to loopback without DNS), with the routes of the workers deployed to it and no
 * fallback to production, so a preview never serves production code by accident.
 *
 * @param production the production routes
 * @param previews the routes of each preview environment, by name
 */
record EnvironmentRoutes(RouteTable production, Map<String, RouteTable> previews) implements WorkerRouter {

    private static final java.util.regex.Pattern IP_V4 = java.util.regex.Pattern.compile("[0-9.]+(:[0-9]+)?");

    /** No routes anywhere. */
    static final EnvironmentRoutes NONE = new EnvironmentRoutes(RouteTable.of(java.util.List.of()), Map.of());

    EnvironmentRoutes {
        previews = Map.copyOf(previews);
    }

    @Override
    public Optional<WorkerSlot> route(String path) {
        return production.route(path);
    }

    @Override
    public Optional<WorkerSlot> route(String host, String path) {
        if (host == null || previews.isEmpty()) {
            return production.route(path);
        }
        RouteTable preview = previews.get(firstLabel(host));
        return preview == null ? production.route(path) : preview.route(path);
    }

    // "Staging.Example.com:8080" -> "staging"; an IP address or a bare name has no environment label.
    static String firstLabel(String host) {
        if (host.startsWith("[") || IP_V4.matcher(host).matches()) {
            return "";
        }
        int dot = host.indexOf('.');
        return dot < 0 ? "" : host.substring(0, dot).toLowerCase(Locale.ROOT);
    }
}
