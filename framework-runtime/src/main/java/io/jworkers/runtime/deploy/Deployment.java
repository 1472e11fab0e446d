package io.jworkers.runtime.deploy;

import java.nio.file.Path;

/**
 * The current deployment of a worker in an environment.
 *
 * @param info       its version
 * @param bundleDir  the folder the bundle zip was extracted into (read-only by convention)
 * @param configJson the config JSON deployed with it
 */
public record Deployment(VersionInfo info, Path bundleDir, String configJson) {
}
