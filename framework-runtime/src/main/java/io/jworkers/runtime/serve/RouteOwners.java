package io.jworkers.runtime.serve;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which worker serves each public route of one environment. A route declared by one worker is
 * that worker's. When several workers declare it, the one that took it last with
 * {@code deploy --take-routes} serves it; a deploy without the flag never takes a route another
 * worker serves (it is refused, as Wrangler refuses routes assigned to another worker), so ties
 * only come from states written before that rule, and are broken by name.
 */
final class RouteOwners {

    /**
     * One worker's claim on routes: its current version's routes, and those it took.
     *
     * @param worker the worker
     * @param routes the routes its current config declares
     * @param taken the routes it took from others, with when
     */
    record Claim(String worker, List<String> routes, Map<String, Instant> taken) {
    }

    private final Map<String, String> owners;

    private RouteOwners(Map<String, String> owners) {
        this.owners = owners;
    }

    /**
     * Decides the owner of every route of one environment.
     *
     * @param claims every worker's claim in the environment
     * @return the owners
     */
    static RouteOwners of(List<Claim> claims) {
        Map<String, List<Claim>> byRoute = new TreeMap<>();
        for (Claim claim : claims) {
            for (String route : claim.routes()) {
                byRoute.computeIfAbsent(route, r -> new ArrayList<>()).add(claim);
            }
        }
        Map<String, String> owners = new TreeMap<>();
        byRoute.forEach((route, claimants) -> owners.put(route, claimants.stream()
                .max(Comparator.comparing((Claim claim) -> claim.taken().getOrDefault(route, Instant.MIN))
                        .thenComparing(Claim::worker, Comparator.reverseOrder()))
                .orElseThrow().worker()));
        return new RouteOwners(owners);
    }

    /**
     * The worker that serves a route.
     *
     * @param route the route pattern
     * @return the worker, or empty if nobody declares it
     */
    Optional<String> owner(String route) {
        return Optional.ofNullable(owners.get(route));
    }

    /**
     * Every route with its owner, sorted by route.
     *
     * @return the owners by route
     */
    Map<String, String> all() {
        return owners;
    }
}
