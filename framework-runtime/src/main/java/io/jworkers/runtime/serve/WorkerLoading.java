package io.jworkers.runtime.serve;

import io.jworkers.api.WorkerVersion;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.loader.WorkerLoadException;
import java.util.List;

/**
 * What loading a stored version asks of it and how its failures are told, the same for a change
 * through the admin API as for a version applied from the store.
 */
final class WorkerLoading {

    private WorkerLoading() {
    }

    /** The secrets a config requires that a set lacks, sorted. */
    static List<String> absentSecrets(WorkerConfig config, Secrets secrets) {
        return config.requiredSecrets().stream().filter(secret -> secrets.get(secret).isEmpty()).sorted().toList();
    }

    /** The version as the worker sees it ({@code ENV/N}). */
    static WorkerVersion versionOf(VersionInfo info, String environment) {
        return new WorkerVersion(environment + "/" + info.number(), info.number(), environment,
                info.message() == null ? "" : info.message(), info.createdAt(), info.sha256());
    }

    // The store's paths mean nothing to the deployer: name the bundle's parts instead.
    static String inBundleTerms(WorkerConfig config, WorkerLoadException e) {
        return e.getMessage().replace(" (" + config.file() + ")", "")
                .replace(config.file().getParent() + java.io.File.separator, "bundle:");
    }

    /** The CLI flag naming an environment in a suggested command: none for production. */
    static String flag(String environment) {
        return environment.equals(WorkerHost.PRODUCTION) ? "" : " --env " + environment;
    }

    /**
     * The routing of a split's loaded versions.
     *
     * @param split the split
     * @param versions its versions loaded, in its order (newest first)
     */
    static io.jworkers.runtime.worker.VersionRouting routingOf(io.jworkers.runtime.deploy.TrafficSplit split,
            List<io.jworkers.runtime.worker.LoadedWorker> versions) {
        return split.isSplit()
                ? io.jworkers.runtime.worker.VersionRouting.split(versions.get(0), split.shares().get(0).percent(), versions.get(1))
                : io.jworkers.runtime.worker.VersionRouting.single(versions.get(0));
    }
}
