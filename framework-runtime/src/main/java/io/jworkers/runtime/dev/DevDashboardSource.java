package io.jworkers.runtime.dev;

import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.dashboard.DashboardSource;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.serve.HostsView;
import io.jworkers.runtime.serve.ServiceView;
import io.jworkers.runtime.unload.LingeringThreads;
import io.jworkers.runtime.worker.LoadedWorker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The dashboard's view of {@code jworkers dev}: the workers it runs (the primary and the others,
 * all in the production environment), their routes, their bindings both ways, and the version
 * each runs now, numbered by dev's loads (1 at start, one more per reload). Read-only: dev runs the
 * workers from their build folders, so it has no versions to roll back, split or promote.
 */
final class DevDashboardSource implements DashboardSource {

    /** Why the deployment actions are refused in dev. */
    static final String NO_DEPLOYMENTS = "dev runs the workers from your build folders; deployments are for jworkers serve";

    private final List<WorkerConfig> configs;
    private final WorkerHost host;
    private final Instant startedAt;
    private final Supplier<String> adminAddress;

    /**
     * @param configs the configs, primary first
     * @param host the host running them
     * @param startedAt when dev started
     * @param adminAddress the admin listener's URL, for the hosts page (known once it listens)
     */
    DevDashboardSource(List<WorkerConfig> configs, WorkerHost host, Instant startedAt, Supplier<String> adminAddress) {
        this.configs = configs;
        this.host = host;
        this.startedAt = startedAt;
        this.adminAddress = adminAddress;
    }

    @Override
    public List<ServiceView> services() {
        String primary = configs.get(0).name();
        Map<String, List<String>> lingering = LingeringThreads.holdingReplacedVersions();
        List<ServiceView> views = new ArrayList<>();
        for (WorkerConfig config : configs) {
            Optional<LoadedWorker> loaded = host.worker(config.name());
            // dev serves its primary on every path, whatever routes it declares; another worker's
            // routes are served by the primary too (shown as "served by" it).
            List<String> patterns = config.name().equals(primary) && config.routes().isEmpty() ? List.of("/*") : config.routes();
            List<ServiceView.Route> routes = patterns.stream().map(pattern -> new ServiceView.Route(pattern, primary)).toList();
            // A dev host has one environment: a binding reaches the worker of that name, whatever environment it names.
            List<ServiceView.Binding> bindings = config.services().stream()
                    .map(binding -> new ServiceView.Binding(binding.binding(), binding.service(), WorkerHost.PRODUCTION,
                            binding.entrypoint(), host.worker(binding.service()).isPresent()))
                    .toList();
            views.add(new ServiceView(config.name(), WorkerHost.PRODUCTION, loaded.map(LoadedWorker::number).orElse(0),
                    loaded.isPresent(), loaded.isPresent() ? null : "not loaded: see the output of jworkers dev", routes, bindings,
                    lingering.getOrDefault(config.name(), List.of()), null));
        }
        return views;
    }

    @Override
    public List<VersionInfo> versions(String worker, String environment) {
        return running(worker, environment).map(loaded -> List.of(new VersionInfo(loaded.number(),
                loaded.env().version().timestamp(), loaded.number() == 1 ? "loaded when jworkers dev started"
                        : "reloaded: its classes changed", null, Map.of()))).orElse(List.of());
    }

    @Override
    public Optional<TrafficSplit> split(String worker, String environment) {
        return running(worker, environment).map(loaded -> TrafficSplit.single(loaded.number()));
    }

    @Override
    public Optional<Settings> settings(String worker, String environment) {
        return running(worker, environment).map(loaded -> new Settings(loaded.config().vars(),
                new TreeSet<>(loaded.env().secretNames()), new TreeSet<>(loaded.config().requiredSecrets()),
                loaded.config().routes(), loaded.config().limits()));
    }

    @Override
    public HostsView hosts() {
        Instant now = Instant.now();
        return new HostsView(0, List.of(new HostsView.Host("dev-" + ProcessHandle.current().pid(), adminAddress.get(), startedAt,
                now, 0, 0, 0, true)));
    }

    @Override
    public boolean sharedStore() {
        return false;
    }

    @Override
    public boolean deploys() {
        return false;
    }

    @Override
    public VersionInfo rollback(String worker, String environment, int version) {
        throw new UnsupportedOperationException(NO_DEPLOYMENTS);
    }

    @Override
    public VersionInfo promote(String worker, String from, Integer version, String to) {
        throw new UnsupportedOperationException(NO_DEPLOYMENTS);
    }

    @Override
    public TrafficSplit deploySplit(String worker, String environment, TrafficSplit split) {
        throw new UnsupportedOperationException(NO_DEPLOYMENTS);
    }

    // The version of one of dev's workers running now; dev has only the production environment.
    private Optional<LoadedWorker> running(String worker, String environment) {
        if (!environment.equals(WorkerHost.PRODUCTION) || configs.stream().noneMatch(c -> c.name().equals(worker))) {
            return Optional.empty();
        }
        return host.worker(worker);
    }
}
