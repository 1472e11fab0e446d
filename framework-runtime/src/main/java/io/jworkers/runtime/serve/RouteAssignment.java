package io.jworkers.runtime.serve;

import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.RouteTable;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which worker serves which public route, in every environment, derived from the current
 * versions (see {@link RouteOwners}): the check a deploy passes before it may declare a route,
 * and the route tables the public listener uses.
 */
final class RouteAssignment {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final DeployedWorkers deployed;
    private final WorkerHost host;

    RouteAssignment(DeployedWorkers deployed, WorkerHost host) {
        this.deployed = deployed;
        this.host = host;
    }

    /** The owner of every route of an environment. */
    RouteOwners owners(String environment) {
        List<RouteOwners.Claim> claims = new ArrayList<>();
        for (String worker : deployed.workersIn(environment)) {
            Optional<Deployment> current = deployed.current(worker, environment);
            Optional<WorkerConfig> config = current.flatMap(DeployedWorkers::config);
            if (config.isPresent()) {
                claims.add(new RouteOwners.Claim(worker, config.get().routes(), current.get().info().routesTaken()));
            }
        }
        return RouteOwners.of(claims);
    }

    /**
     * The routes a new version serves although other workers declare them: those its current
     * version took and still declares, and with {@code take} those another worker serves now.
     *
     * @param config the new version's config
     * @param environment its environment
     * @param take whether the deploy may take routes ({@code --take-routes})
     * @return the routes taken, with when
     * @throws DeployRejectedException (409) without {@code take}, when another worker serves a route, naming it
     */
    Map<String, Instant> taken(WorkerConfig config, String environment, boolean take) {
        String worker = config.name();
        Map<String, Instant> taken = new TreeMap<>();
        deployed.current(worker, environment).ifPresent(current -> current.info().routesTaken().forEach((route, when) -> {
            if (config.routes().contains(route)) {
                taken.put(route, when);
            }
        }));
        RouteOwners owners = owners(environment);
        Map<String, String> conflicts = new TreeMap<>();
        for (String route : config.routes()) {
            owners.owner(route).filter(owner -> !owner.equals(worker)).ifPresent(owner -> conflicts.put(route, owner));
        }
        if (conflicts.isEmpty()) {
            return taken;
        }
        if (!take) {
            throw refusal(worker, environment, conflicts);
        }
        Instant now = Instant.now();
        conflicts.forEach((route, owner) -> {
            taken.put(route, now);
            LOG.log(Level.INFO, "[" + worker + "] takes route " + route + " in " + environment + " from " + owner);
        });
        return taken;
    }

    private static DeployRejectedException refusal(String worker, String environment, Map<String, String> conflicts) {
        boolean one = conflicts.size() == 1;
        StringBuilder list = new StringBuilder();
        conflicts.forEach((route, owner) -> list.append(list.isEmpty() ? "" : ", ").append(route).append(" (served by \"")
                .append(owner).append("\")"));
        String flag = environment.equals(WorkerHost.PRODUCTION) ? "" : " --env " + environment;
        return new DeployRejectedException(409, "Deploy of \"" + worker + "\" refused: " + (one ? "its route " : "its routes ")
                + list + " in " + environment + (one ? " belongs" : " belong") + " to another worker. Remove "
                + (one ? "it" : "them") + " from this config or from the other worker's, delete that worker (jworkers delete NAME"
                + flag + "), or pass --take-routes to move " + (one ? "it" : "them") + " to \"" + worker + "\".");
    }

    /** The route tables of every environment, as the current versions say. */
    EnvironmentRoutes routes() {
        Map<String, List<RouteTable.Route>> tables = new TreeMap<>();
        tables.put(WorkerHost.PRODUCTION, new ArrayList<>());
        for (String environment : deployed.environments()) {
            List<RouteTable.Route> table = tables.computeIfAbsent(environment, e -> new ArrayList<>());
            owners(environment).all().forEach((route, worker) -> table.add(
                    new RouteTable.Route(route, host.slot(WorkerHost.slotName(worker, environment)))));
        }
        Map<String, RouteTable> previews = new TreeMap<>();
        tables.forEach((environment, table) -> {
            if (!environment.equals(WorkerHost.PRODUCTION)) {
                previews.put(environment, RouteTable.of(table));
            }
        });
        return new EnvironmentRoutes(RouteTable.of(tables.get(WorkerHost.PRODUCTION)), previews);
    }
}
