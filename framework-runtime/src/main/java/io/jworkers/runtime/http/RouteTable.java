package io.jworkers.runtime.http;

import io.jworkers.runtime.worker.WorkerSlot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Public routes to workers, as in Cloudflare: a pattern ending in {@code *} matches every path
 * that starts with what precedes it ({@code /api/*} matches {@code /api/} and {@code /api/users},
 * not {@code /api}); any other pattern matches its path exactly. The pattern with the longest
 * literal part wins, and an exact pattern wins over a prefix pattern as long ({@code /a} over
 * {@code /*} for the path {@code /a}).
 * Immutable: a deploy builds a new table.
 */
public final class RouteTable implements WorkerRouter {

    /** One route. */
    public record Route(String pattern, WorkerSlot slot) {
        boolean matches(String path) {
            return pattern.endsWith("*") ? path.startsWith(pattern.substring(0, pattern.length() - 1)) : path.equals(pattern);
        }
    }

    private final List<Route> routes;

    private RouteTable(List<Route> routes) {
        this.routes = routes;
    }

    /**
     * Builds a table.
     *
     * @param routes the routes, in any order
     * @return the table, longest patterns first
     */
    public static RouteTable of(List<Route> routes) {
        List<Route> sorted = new ArrayList<>(routes);
        // The most specific first: the longest literal part ("/api/*" has "/api/"), and an exact
        // pattern before a prefix pattern with as long a literal part.
        sorted.sort(Comparator.comparingInt((Route route) -> literalLength(route.pattern())).reversed()
                .thenComparing(route -> route.pattern().endsWith("*")));
        return new RouteTable(List.copyOf(sorted));
    }

    private static int literalLength(String pattern) {
        return pattern.endsWith("*") ? pattern.length() - 1 : pattern.length();
    }

    @Override
    public Optional<WorkerSlot> route(String path) {
        for (Route route : routes) {
            if (route.matches(path)) {
                return Optional.of(route.slot());
            }
        }
        return Optional.empty();
    }

    /**
     * The routes, longest first.
     *
     * @return the routes
     */
    public List<Route> routes() {
        return routes;
    }
}
