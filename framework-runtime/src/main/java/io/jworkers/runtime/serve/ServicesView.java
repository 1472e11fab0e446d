package io.jworkers.runtime.serve;

import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.unload.LingeringThreads;
import io.jworkers.runtime.worker.LoadedWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the services view ({@code GET /v1/services}): each worker environment of the store with
 * its routes and who serves them, its bound services and whether they are connected, and, for a
 * worker that does not run, why and what to do. Read without the host's monitor: a change
 * committing meanwhile shows in the next view.
 */
final class ServicesView {

    private final StateStore store;
    private final WorkerHost host;
    private final DeployedWorkers deployed;
    private final RouteAssignment routeAssignment;
    private final StoreSync sync;

    ServicesView(StateStore store, WorkerHost host, DeployedWorkers deployed, RouteAssignment routeAssignment, StoreSync sync) {
        this.store = store;
        this.host = host;
        this.deployed = deployed;
        this.routeAssignment = routeAssignment;
        this.sync = sync;
    }

    /** The view, by worker and environment. */
    List<ServiceView> build() {
        List<ServiceView> views = new ArrayList<>();
        Map<String, RouteOwners> owners = new TreeMap<>();
        Map<String, List<String>> lingering = LingeringThreads.holdingReplacedVersions();
        for (String worker : store.workers()) {
            for (String environment : store.environments(worker)) {
                String slot = WorkerHost.slotName(worker, environment);
                Optional<LoadedWorker> loaded = host.worker(slot);
                int number = deployed.currentNumber(worker, environment).orElse(0);
                Optional<Deployment> current = Optional.empty();
                String problem = sync.problem(slot);
                try {
                    current = store.current(worker, environment);
                } catch (DamagedStateException e) {
                    problem = e.getMessage();
                }
                Optional<WorkerConfig> config = current.flatMap(DeployedWorkers::config);
                if (current.isPresent() && config.isEmpty() && problem == null) {
                    problem = "the config of version " + number + " cannot be read; deploy again";
                }
                if (current.isEmpty() && problem == null) {
                    continue; // a secret waits for a first deploy: nothing to show yet
                }
                RouteOwners routeOwners = owners.computeIfAbsent(environment, routeAssignment::owners);
                List<ServiceView.Route> routeViews = config.map(c -> c.routes().stream()
                        .map(route -> new ServiceView.Route(route, routeOwners.owner(route).orElse(worker))).toList())
                        .orElse(List.of());
                List<ServiceView.Binding> bindings = config.map(c -> c.services().stream()
                        .map(binding -> new ServiceView.Binding(binding.binding(), binding.service(), DeployedWorkers.targetEnvironment(binding),
                                binding.entrypoint(), host.worker(WorkerHost.slotName(binding.service(), binding.environment())).isPresent()))
                        .toList()).orElse(List.of());
                String split;
                try {
                    split = store.split(worker, environment).filter(TrafficSplit::isSplit).map(TrafficSplit::describe).orElse(null);
                } catch (DamagedStateException e) {
                    split = null;
                }
                views.add(new ServiceView(worker, environment, number, loaded.isPresent() && problem == null,
                        problem, routeViews, bindings, lingering.getOrDefault(worker, List.of()), split));
            }
        }
        return views;
    }
}
