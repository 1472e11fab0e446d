package io.jworkers.runtime.dashboard;

import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.serve.HostsView;
import io.jworkers.runtime.serve.ServeHost;
import io.jworkers.runtime.serve.ServiceView;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The dashboard's view of {@code jworkers serve}: reads from its state store and services view,
 * changes through the same {@link ServeHost} methods the admin API calls, so a change from the
 * dashboard is checked, committed and applied exactly as one from the CLI.
 */
public final class ServeDashboardSource implements DashboardSource {

    private final ServeHost serve;

    /**
     * @param serve the host
     */
    public ServeDashboardSource(ServeHost serve) {
        this.serve = serve;
    }

    @Override
    public List<ServiceView> services() {
        return serve.services();
    }

    @Override
    public List<VersionInfo> versions(String worker, String environment) {
        return serve.store().versions(worker, environment);
    }

    @Override
    public Optional<TrafficSplit> split(String worker, String environment) {
        try {
            return serve.store().split(worker, environment);
        } catch (DamagedStateException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Settings> settings(String worker, String environment) {
        Optional<Deployment> current;
        try {
            current = serve.store().current(worker, environment);
        } catch (DamagedStateException e) {
            return Optional.empty();
        }
        return current.flatMap(deployment -> {
            try {
                WorkerConfig config = ConfigLoader.load(deployment.configFile(), null);
                return Optional.of(new Settings(config.vars(), new TreeSet<>(deployment.secrets().names()),
                        new TreeSet<>(config.requiredSecrets()), config.routes(), config.limits()));
            } catch (ConfigException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public HostsView hosts() {
        return serve.hosts();
    }

    @Override
    public boolean sharedStore() {
        return serve.store().shared();
    }

    @Override
    public VersionInfo rollback(String worker, String environment, int version) {
        return serve.rollback(worker, environment, version);
    }

    @Override
    public VersionInfo promote(String worker, String from, Integer version, String to) {
        return serve.promote(worker, from, version, to, null);
    }

    @Override
    public TrafficSplit deploySplit(String worker, String environment, TrafficSplit split) {
        return serve.deploySplit(worker, environment, split, false);
    }
}
