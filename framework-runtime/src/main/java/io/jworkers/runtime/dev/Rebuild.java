package io.jworkers.runtime.dev;

import io.jworkers.runtime.build.BuildFailedException;
import io.jworkers.runtime.build.BuildRunner;
import io.jworkers.runtime.config.BuildConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Runs a worker's build again when its sources changed; what the source watcher calls. The
 * worker is held from live reload while its build runs, and stays held when the build fails, so
 * that only a classpath a build completed is ever loaded.
 */
final class Rebuild implements FolderWatcher.Settled {

    private final Map<String, BuildConfig> builds;
    private final LiveReload reload;
    private final PrintStream out;

    Rebuild(Map<String, BuildConfig> builds, LiveReload reload, PrintStream out) {
        this.builds = builds;
        this.reload = reload;
        this.out = out;
    }

    @Override
    public boolean settled(String worker, Duration quietFor) {
        reload.hold(worker);
        try {
            BuildRunner.run(builds.get(worker), out);
            reload.release(worker);
        } catch (BuildFailedException e) {
            if (!Thread.currentThread().isInterrupted()) {
                out.println("Not rebuilt " + worker + ": " + e.summary()
                        + "; the running version stays: fix the error and save again");
                out.flush();
            }
        }
        return true;
    }
}
