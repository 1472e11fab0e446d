package io.jworkers.runtime.deploy;

import java.nio.file.Path;

/**
 * An uploaded bundle, checked and unpacked into the store's staging folder, not yet part of any
 * version. {@link DeploymentStore#addVersion} moves it to its place by hash; {@link
 * DeploymentStore#discard} removes it when the deploy is refused first.
 *
 * @param dir        where it is unpacked
 * @param sha256     its content hash
 * @param configJson its {@code worker.json}
 */
public record StagedBundle(Path dir, String sha256, String configJson) {

    /**
     * The staged config file, for checks before the version exists.
     *
     * @return {@code dir/worker.json}
     */
    public Path configFile() {
        return dir.resolve(io.jworkers.runtime.bundle.WorkerBundle.CONFIG);
    }
}
