package io.jworkers.runtime.deploy;

import io.jworkers.runtime.config.Secrets;
import java.nio.file.Path;

/**
 * A version of a worker in an environment with everything needed to run it.
 *
 * @param info       the version
 * @param bundleDir  the unpacked bundle it runs (read-only; shared with every version of the same hash)
 * @param configJson the bundle's {@code worker.json}
 * @param secrets    the version's secrets (its {@code toString} lists names only)
 */
public record Deployment(VersionInfo info, Path bundleDir, String configJson, Secrets secrets) {

    /**
     * The bundle's config file, which the config loader reads.
     *
     * @return {@code bundleDir/worker.json}
     */
    public Path configFile() {
        return bundleDir.resolve(io.jworkers.runtime.bundle.WorkerBundle.CONFIG);
    }
}
