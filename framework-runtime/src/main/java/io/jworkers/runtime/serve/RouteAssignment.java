package io.jworkers.runtime.serve;

import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.RouteTable;
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
     * The routes a new version takes: those its current version took and it still declares (with
     * when they were taken), and with {@code take} those another worker serves now.
     *
     * @param taken every route the version serves although other workers may declare it, with when it was taken
     * @param movedFrom the routes it takes now from another worker, with that worker
     */
    record Taking(Map<String, Instant> taken, Map<String, String> movedFrom) {
    }

    /**
     * What a new version takes (see {@link Taking}).
     *
     * @param config the new version's config
     * @param environment its environment
     * @param take whether the deploy may take routes ({@code --take-routes})
     * @return the routes taken
     * @throws DeployRejectedException (409) without {@code take}, when another worker serves a route, naming it
     */
    Taking taking(WorkerConfig config, String environment, boolean take) {
        String worker = config.name();
        Map<String, Instant> taken = new TreeMap<>();
        deployed.current(worker, environment).ifPresent(current -> current.info().routesTaken().forEach((route, when) -> {
            if (config.routes().contains(route)) {
                taken.put(route, when);
            }
        }));
        Map<String, String> conflicts = conflicts(config, environment);
        if (!conflicts.isEmpty() && !take) {
            throw refusal(worker, environment, conflicts, "Deploy of \"" + worker + "\" refused: ",
                    "Remove them from this config or from the other worker's, delete that worker (jworkers delete NAME"
                            + flag(environment) + "), or pass --take-routes to move them to \"" + worker + "\".");
        }
        Instant now = Instant.now();
        conflicts.keySet().forEach(route -> taken.put(route, now));
        return new Taking(taken, conflicts);
    }

    /**
     * Refuses a rollback to a version that declares a route another worker serves now: a rollback
     * never moves a route (a deploy with {@code --take-routes} does).
     *
     * @param config the config of the version rolled back to
     * @param number its number
     * @param environment its environment
     * @throws DeployRejectedException (409) naming the routes and the workers that serve them
     */
    void checkRollback(WorkerConfig config, int number, String environment) {
        Map<String, String> conflicts = conflicts(config, environment);
        if (!conflicts.isEmpty()) {
            throw refusal(config.name(), environment, conflicts, "Rollback of \"" + config.name() + "\" to version " + number
                    + " refused: ", "A rollback never moves a route: deploy \"" + config.name() + "\" with --take-routes, or"
                    + " remove them from the other worker first.");
        }
    }

    // The routes a config declares that another worker serves now, with that worker.
    private Map<String, String> conflicts(WorkerConfig config, String environment) {
        RouteOwners owners = owners(environment);
        Map<String, String> conflicts = new TreeMap<>();
        for (String route : config.routes()) {
            owners.owner(route).filter(owner -> !owner.equals(config.name())).ifPresent(owner -> conflicts.put(route, owner));
        }
        return conflicts;
    }

    private static DeployRejectedException refusal(String worker, String environment, Map<String, String> conflicts,
            String refused, String whatToDo) {
        boolean one = conflicts.size() == 1;
        StringBuilder list = new StringBuilder();
        conflicts.forEach((route, owner) -> list.append(list.isEmpty() ? "" : ", ").append(route).append(" (served by \"")
                .append(owner).append("\")"));
        return new DeployRejectedException(409, refused + (one ? "its route " : "its routes ") + list + " in " + environment
                + (one ? " belongs" : " belong") + " to another worker. "
                + (one ? whatToDo.replace(" them ", " it ").replace("them.", "it.") : whatToDo));
    }

    private static String flag(String environment) {
        return environment.equals(WorkerHost.PRODUCTION) ? "" : " --env " + environment;
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
