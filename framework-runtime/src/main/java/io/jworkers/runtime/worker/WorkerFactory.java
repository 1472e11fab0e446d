package io.jworkers.runtime.worker;

import io.jworkers.api.Env;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.loader.ApiOnlyClassLoader;
import io.jworkers.runtime.loader.EntrypointScanner;
import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.loader.WorkerLoadException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Loads a worker version: a new {@link WorkerClassLoader} over the config's classpath, the
 * entrypoint class (the config's {@code main}, or the only one found by scanning), one instance
 * created with the worker's environment, and its {@code start()}.
 */
public final class WorkerFactory {

    private final ApiOnlyClassLoader apiLoader;

    /**
     * Creates a factory whose workers share one API-only parent loader.
     *
     * @param apiLoader the parent of every worker loader
     */
    public WorkerFactory(ApiOnlyClassLoader apiLoader) {
        this.apiLoader = apiLoader;
    }

    /**
     * Loads and starts a worker version.
     *
     * @param config the worker's config
     * @param env the environment the worker will see
     * @return the loaded version
     * @throws WorkerLoadException if the entrypoint cannot be found, created or started
     */
    public LoadedWorker load(WorkerConfig config, Env env) {
        WorkerClassLoader loader = new WorkerClassLoader(config.name(), config.classpath(), apiLoader);
        try {
            Class<? extends WorkerEntrypoint> type = entrypointClass(config, loader);
            WorkerEntrypoint instance = withContextLoader(loader, () -> instantiate(config, type, env));
            withContextLoader(loader, () -> {
                start(config, instance);
                return null;
            });
            return new LoadedWorker(config, loader, instance, env);
        } catch (RuntimeException | Error e) {
            closeQuietly(loader);
            throw e;
        }
    }

    private static Class<? extends WorkerEntrypoint> entrypointClass(WorkerConfig config, WorkerClassLoader loader) {
        String className = config.main();
        if (className == null) {
            List<String> found = EntrypointScanner.concreteEntrypoints(config.classpath());
            if (found.isEmpty()) {
                throw new WorkerLoadException(where(config) + "no entrypoint found: no concrete class extends "
                        + WorkerEntrypoint.class.getName() + " in " + config.classpath()
                        + ". Write one (public, with a public no-argument constructor), or check \"classpath\".");
            }
            if (found.size() > 1) {
                throw new WorkerLoadException(where(config) + "found " + found.size() + " entrypoints: "
                        + String.join(", ", found) + ". Set \"main\" in " + config.file().getFileName()
                        + " to the one that serves this worker.");
            }
            className = found.get(0);
        }
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new WorkerLoadException(where(config) + "\"main\" names " + className
                    + ", which is not on the worker's classpath " + config.classpath()
                    + ". Check the class name and that the worker is built.", e);
        }
        if (!WorkerEntrypoint.class.isAssignableFrom(type)) {
            throw new WorkerLoadException(where(config) + className + " does not extend "
                    + WorkerEntrypoint.class.getName() + ".");
        }
        if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            throw new WorkerLoadException(where(config) + className
                    + " must be a public, non-abstract class to be an entrypoint.");
        }
        return type.asSubclass(WorkerEntrypoint.class);
    }

    private static WorkerEntrypoint instantiate(WorkerConfig config, Class<? extends WorkerEntrypoint> type, Env env) {
        Constructor<? extends WorkerEntrypoint> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new WorkerLoadException(where(config) + type.getName()
                    + " needs a public no-argument constructor: the host creates the entrypoint.");
        }
        HostBridge.offerConstructionEnv(env);
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new WorkerLoadException(where(config) + "the constructor of " + type.getName() + " threw "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new WorkerLoadException(where(config) + "cannot create " + type.getName() + ": " + e, e);
        } finally {
            HostBridge.takeConstructionEnv();
        }
    }

    private static void start(WorkerConfig config, WorkerEntrypoint instance) {
        try {
            HostBridge.start(instance);
        } catch (RuntimeException | Error e) {
            throw new WorkerLoadException(where(config) + instance.getClass().getName() + ".start() threw " + e, e);
        }
    }

    private static <T> T withContextLoader(ClassLoader loader, java.util.function.Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String where(WorkerConfig config) {
        return "worker \"" + config.name() + "\" (" + config.file() + "): ";
    }

    private static void closeQuietly(WorkerClassLoader loader) {
        try {
            loader.close();
        } catch (java.io.IOException ignored) {
            // Already failing; the load error is what the user needs to see.
        }
    }
}
