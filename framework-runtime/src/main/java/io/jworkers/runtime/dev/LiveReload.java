package io.jworkers.runtime.dev;

import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.worker.LoadedWorker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reloads a worker once its classpath changed, settled, and looks completely built; what the
 * classpath watcher calls. A classpath that stays incomplete is loaded anyway after the settle
 * limit, so a real problem (a class deleted for good) is reported, once.
 *
 * <p>While the worker's own build runs, or after it failed, the worker is held: nothing reloads
 * from a classpath its build is rewriting or left half-written.
 *
 * <p>A classpath found incomplete is asked about again every quiet period, changed or not, and the
 * check reads the files themselves: it can find the build's last class written before the watcher
 * has the event for writing it (watch events come on a thread of their own, late on a loaded
 * machine). So a classpath completed since the last ask is loaded only when it is found complete
 * again a quiet period later, by when that event has restarted the quiet period; loaded at once,
 * the late event would settle into a second reload of the same classes, or, had the class been
 * half-written, a false error and then a reload.
 */
final class LiveReload implements FolderWatcher.Settled {

    /**
     * How long a changed classpath may stay incomplete before it is loaded anyway. Long enough
     * for a slow compile between "stale classes deleted" and "new classes written"; a running
     * version keeps serving meanwhile, so waiting costs nothing but the delay of a real error.
     */
    static final Duration DEFAULT_SETTLE_LIMIT = Duration.ofSeconds(20);

    private final Map<String, WorkerConfig> configs;
    private final Map<String, Secrets> secrets;
    private final WorkerHost host;
    private final PrintStream out;
    private final Duration settleLimit;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /** Workers whose classpath was incomplete at the last ask. */
    private final Set<String> incomplete = ConcurrentHashMap.newKeySet();

    LiveReload(Map<String, WorkerConfig> configs, Map<String, Secrets> secrets, WorkerHost host, PrintStream out,
            Duration settleLimit) {
        this.configs = configs;
        this.secrets = secrets;
        this.host = host;
        this.out = out;
        this.settleLimit = settleLimit;
    }

    /** A build of the worker starts: its classpath is about to be rewritten. Waits for a reload in progress. */
    synchronized void hold(String worker) {
        held.add(worker);
    }

    /** The worker's build succeeded: what it wrote may be loaded. */
    synchronized void release(String worker) {
        held.remove(worker);
    }

    @Override
    public synchronized boolean settled(String worker, Duration quietFor) {
        if (held.contains(worker)) {
            return false;
        }
        WorkerConfig config = configs.get(worker);
        Optional<String> missing = ClasspathCheck.missing(config.classpath(), config.main(), runningClasses(worker));
        if (missing.isPresent() && quietFor.compareTo(settleLimit) < 0) {
            incomplete.add(worker);
            return false;
        }
        if (missing.isEmpty() && incomplete.remove(worker)) {
            return false;
        }
        incomplete.remove(worker);
        long start = System.nanoTime();
        try {
            host.load(config, secrets.get(worker));
            out.printf("Reloaded %s (%d ms): its classes changed%n", worker, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            out.println("Not reloaded " + worker + ": "
                    + missing.map(m -> "its classpath still lacks " + m + ", " + settleLimit.toSeconds()
                            + " s after it last changed, and loading it anyway failed: ").orElse("")
                    + e.getMessage() + " (the running version stays; fix it and build again)");
        }
        out.flush();
        return true;
    }

    private List<String> runningClasses(String worker) {
        Optional<LoadedWorker> running = host.worker(worker);
        if (running.isEmpty()) {
            return List.of();
        }
        LoadedWorker version = running.get();
        return version.entrypointNames().stream()
                .map(name -> version.entrypoint(name).instance().getClass().getName())
                .toList();
    }
}
