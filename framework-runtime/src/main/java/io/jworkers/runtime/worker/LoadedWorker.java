package io.jworkers.runtime.worker;

import io.jworkers.api.Env;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.loader.WorkerClassLoader;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * One loaded version of a worker: its config, its own class loader, its entrypoint instance and
 * its environment. Immutable; {@link #close()} unloads it.
 */
public final class LoadedWorker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final WorkerConfig config;
    private final WorkerClassLoader loader;
    private final WorkerEntrypoint entrypoint;
    private final Env env;

    LoadedWorker(WorkerConfig config, WorkerClassLoader loader, WorkerEntrypoint entrypoint, Env env) {
        this.config = config;
        this.loader = loader;
        this.entrypoint = entrypoint;
        this.env = env;
    }

    /**
     * The worker's name.
     *
     * @return the name from its config
     */
    public String name() {
        return config.name();
    }

    /**
     * The config the worker was loaded from.
     *
     * @return the config
     */
    public WorkerConfig config() {
        return config;
    }

    /**
     * The worker's own class loader.
     *
     * @return the loader
     */
    public WorkerClassLoader loader() {
        return loader;
    }

    /**
     * The default entrypoint instance.
     *
     * @return the instance
     */
    public WorkerEntrypoint entrypoint() {
        return entrypoint;
    }

    /**
     * The worker's environment.
     *
     * @return the environment
     */
    public Env env() {
        return env;
    }

    /**
     * Calls the worker's {@code stop()} with its own context class loader, then closes its loader.
     * A failing {@code stop()} is logged; the loader is closed regardless.
     */
    @Override
    public void close() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            HostBridge.stop(entrypoint);
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "[" + name() + "] stop() failed", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        try {
            loader.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "[" + name() + "] closing its class loader failed", e);
        }
    }

    @Override
    public String toString() {
        return "worker " + name() + " (" + entrypoint.getClass().getName() + ")";
    }
}
