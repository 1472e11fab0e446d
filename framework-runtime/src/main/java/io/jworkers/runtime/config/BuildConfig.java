package io.jworkers.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a worker is built, from its config's {@code build} field (Wrangler's custom build):
 * {@code jworkers dev} runs the command before it loads the worker and again when a file under a
 * watched folder changes; {@code jworkers deploy} runs it before it packs the worker.
 *
 * @param worker the worker's name
 * @param file the config file the build was written in
 * @param command the shell command, run with {@code sh -c} ({@code cmd /c} on Windows)
 * @param cwd the folder it runs in, absolute
 * @param watchDirs the folders whose changes make {@code jworkers dev} run it again, absolute; may be empty
 */
public record BuildConfig(String worker, Path file, String command, Path cwd, List<Path> watchDirs) {

    /** Copies the folder list so a config can be shared between threads. */
    public BuildConfig {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(cwd, "cwd");
        watchDirs = watchDirs == null ? List.of() : List.copyOf(watchDirs);
    }
}
