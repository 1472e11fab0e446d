package io.jworkers.runtime.worker;

import io.jworkers.api.Env;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.pipeline.WorkerLifecycle;
import io.jworkers.runtime.pipeline.WorkerThreads;
import io.jworkers.runtime.unload.Leftovers;
import io.jworkers.runtime.unload.LingeringThreads;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;

/**
 * One loaded version of a worker: its config, its own class loader, its entrypoint instances
 * (the default one and any named ones) and its environment. Immutable; {@link #close()} unloads it.
 */
public final class LoadedWorker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private final WorkerConfig config;
    private final WorkerClassLoader loader;
    private final EntrypointInstance defaultEntrypoint;
    private final Map<String, EntrypointInstance> entrypoints;
    private final Env env;
    private final WorkerThreads threads;
    private final String label;

    LoadedWorker(WorkerConfig config, WorkerClassLoader loader, EntrypointInstance defaultEntrypoint,
            Map<String, EntrypointInstance> entrypoints, Env env, WorkerThreads threads) {
        this.config = config;
        this.loader = loader;
        this.defaultEntrypoint = defaultEntrypoint;
        this.entrypoints = Map.copyOf(entrypoints);
        this.env = env;
        this.threads = threads;
        this.label = config.name() + "@" + env.version().number();
    }

    /**
     * The version's number ({@code env.version().number()}).
     *
     * @return the number, from 1
     */
    public int number() {
        return env.version().number();
    }

    /**
     * How the access line names this version: {@code auth@2}.
     *
     * @return the worker's name and version number
     */
    public String label() {
        return label;
    }

    /**
     * The threads this version's code started through the framework.
     *
     * @return the tracker
     */
    public WorkerThreads threads() {
        return threads;
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
     * The default entrypoint's instance.
     *
     * @return the instance
     */
    public WorkerEntrypoint entrypoint() {
        return defaultEntrypoint.instance();
    }

    /**
     * An entrypoint by name; {@code null} selects the default one.
     *
     * @param name the entrypoint name, or {@code null}
     * @return the entrypoint, or {@code null} when the worker has none of that name
     */
    public EntrypointInstance entrypoint(String name) {
        return name == null ? defaultEntrypoint : entrypoints.get(name);
    }

    /**
     * The names of all entrypoints, the default first.
     *
     * @return the names
     */
    public List<String> entrypointNames() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(defaultEntrypoint.name()),
                entrypoints.keySet().stream().filter(n -> !n.equals(defaultEntrypoint.name())).sorted()).toList();
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
     * Unloads the version: each entrypoint's {@code stop()} runs with the worker's context class
     * loader, the threads its code started through the framework are interrupted, what it left in
     * JVM-wide registries is removed ({@link Leftovers}: JDBC drivers, logging handlers, …), and its
     * loader closes. A failing {@code stop()} is logged; the rest happens regardless.
     */
    @Override
    public void close() {
        WorkerLifecycle.run(name(), this::stopEntrypoints);
        int interrupted = threads.interruptAll();
        if (interrupted > 0) {
            LOG.log(Level.INFO, "[" + name() + "] interrupted " + interrupted + " threads it had started, as it unloads");
        }
        Leftovers.remove(loader);
        loader.retire();
        try {
            loader.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "[" + name() + "] closing its class loader failed", e);
        }
    }

    private void stopEntrypoints() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            for (EntrypointInstance entrypoint : entrypoints.values()) {
                try {
                    HostBridge.stop(entrypoint.instance());
                } catch (Throwable e) {
                    LOG.log(Level.WARNING, "[" + name() + "] stop() of " + entrypoint.name() + " failed", e);
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * After {@link #close()}: frees the JDK's threads that picked up this version's loader and warns
     * about its own platform threads still running after {@code grace} ({@link LingeringThreads}).
     *
     * @param grace how long its threads may take to end
     */
    public void releaseThreads(java.time.Duration grace) {
        LingeringThreads.release(loader, grace);
    }

    @Override
    public String toString() {
        return "worker " + name() + " (" + entrypoint().getClass().getName() + ")";
    }
}
