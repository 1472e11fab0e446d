package io.jworkers.runtime.worker;

import io.jworkers.api.Entrypoint;
import io.jworkers.api.Env;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.EntrypointRules;
import io.jworkers.bridge.HostBridge;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.loader.ApiOnlyClassLoader;
import io.jworkers.runtime.loader.EntrypointScanner;
import io.jworkers.runtime.loader.WorkerClassLoader;
import io.jworkers.runtime.loader.WorkerLoadException;
import io.jworkers.runtime.pipeline.WorkerLifecycle;
import io.jworkers.runtime.pipeline.WorkerThreads;
import io.jworkers.runtime.unload.JdbcDrivers;
import io.jworkers.runtime.unload.Leftovers;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Loads a worker version: a new {@link WorkerClassLoader} over the config's classpath, its
 * entrypoint classes (listed by the processor's manifest, else found by scanning), checked
 * against the entrypoint rules, one instance of each created with the worker's environment,
 * and their {@code start()}.
 *
 * <p>The default entrypoint is the config's {@code main}; without it, the only entrypoint not
 * annotated {@code @Entrypoint}, or the only entrypoint at all. The others are named
 * entrypoints that bindings select with {@code "entrypoint"}.
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
     * @param threads the tracker of the threads the version will start
     * @return the loaded version
     * @throws WorkerLoadException if an entrypoint cannot be found, checked, created or started
     */
    public LoadedWorker load(WorkerConfig config, Env env, WorkerThreads threads) {
        return WorkerLifecycle.run(config.name(), () -> loadAsWorker(config, env, threads));
    }

    private LoadedWorker loadAsWorker(WorkerConfig config, Env env, WorkerThreads threads) {
        WorkerClassLoader loader = new WorkerClassLoader(config.name(), config.classpath(), apiLoader);
        List<WorkerEntrypoint> started = new ArrayList<>();
        try {
            withContextLoader(loader, () -> {
                JdbcDrivers.register(loader);
                return null;
            });
            List<String> found = EntrypointManifest.entrypointClasses(loader)
                    .orElseGet(() -> EntrypointScanner.concreteEntrypoints(config.classpath()));
            List<Class<? extends WorkerEntrypoint>> classes = new ArrayList<>();
            for (String className : found) {
                classes.add(loadEntrypointClass(config, loader, className, "the worker manifest " + EntrypointRules.MANIFEST
                        + " lists", "Build the worker again: the manifest is written with its classes."));
            }
            Class<? extends WorkerEntrypoint> main = defaultClass(config, loader, classes);
            if (!classes.contains(main)) {
                classes.add(0, main);
            }
            Map<String, EntrypointInstance> entrypoints = new LinkedHashMap<>();
            EntrypointInstance defaultEntrypoint = null;
            for (Class<? extends WorkerEntrypoint> type : classes) {
                EntrypointValidator.violation(type).ifPresent(message -> {
                    throw new WorkerLoadException(where(config) + message);
                });
                String name = EntrypointValidator.nameOf(type);
                EntrypointInstance previous = entrypoints.get(name);
                if (previous != null) {
                    throw new WorkerLoadException(where(config) + EntrypointRules.duplicateEntrypointName(
                            name, previous.instance().getClass().getName(), type.getName()));
                }
                WorkerEntrypoint instance = withContextLoader(loader, () -> instantiate(config, type, env));
                EntrypointInstance entrypoint = new EntrypointInstance(name, instance, RpcMethods.of(type));
                entrypoints.put(name, entrypoint);
                if (type == main) {
                    defaultEntrypoint = entrypoint;
                }
            }
            for (EntrypointInstance entrypoint : entrypoints.values()) {
                withContextLoader(loader, () -> {
                    start(config, entrypoint.instance());
                    return null;
                });
                started.add(entrypoint.instance());
            }
            return new LoadedWorker(config, loader, defaultEntrypoint, entrypoints, env, threads);
        } catch (LinkageError e) {
            // A static initialiser that throws, a class missing from the bundle: the worker's fault, not the host's.
            abandon(loader, started, threads);
            throw new WorkerLoadException(where(config) + "a class of the worker does not load or initialise: " + e, e);
        } catch (RuntimeException | Error e) {
            abandon(loader, started, threads);
            throw e;
        }
    }

    // A version that failed half-way: what started stops, its threads are interrupted, its loader closes.
    private static void abandon(WorkerClassLoader loader, List<WorkerEntrypoint> started, WorkerThreads threads) {
        for (WorkerEntrypoint instance : started) {
            try {
                withContextLoader(loader, () -> {
                    HostBridge.stop(instance);
                    return null;
                });
            } catch (RuntimeException | Error ignored) {
                // It failed to start its neighbour already; its stop() failing too changes nothing.
            }
        }
        threads.interruptAll();
        Leftovers.remove(loader);
        loader.retire();
        closeQuietly(loader);
    }

    /**
     * Creates a worker version around an entrypoint class that some other loader already holds,
     * such as a stand-in worker written inside a test: the class is checked against the
     * entrypoint rules, one instance is created with {@code env}, and its {@code start()} runs.
     * The class keeps its own loader (it is not isolated); the version gets an empty worker
     * loader of its own, which is the context class loader while the version's code runs and
     * which {@link LoadedWorker#close()} closes.
     *
     * @param config the worker's config (its classpath is not read)
     * @param type the entrypoint class, the version's only entrypoint
     * @param env the environment the worker will see
     * @param threads the tracker of the threads the version will start
     * @return the loaded version
     * @throws WorkerLoadException if the class is not a valid entrypoint, or its constructor or {@code start()} fails
     */
    public LoadedWorker adopt(WorkerConfig config, Class<? extends WorkerEntrypoint> type, Env env, WorkerThreads threads) {
        return WorkerLifecycle.run(config.name(), () -> adoptAsWorker(config, type, env, threads));
    }

    private LoadedWorker adoptAsWorker(WorkerConfig config, Class<? extends WorkerEntrypoint> type, Env env,
            WorkerThreads threads) {
        WorkerClassLoader loader = new WorkerClassLoader(config.name(), List.of(), apiLoader);
        try {
            EntrypointValidator.violation(type).ifPresent(message -> {
                throw new WorkerLoadException(where(config) + message);
            });
            WorkerEntrypoint instance = withContextLoader(loader, () -> instantiate(config, type, env));
            EntrypointInstance entrypoint = new EntrypointInstance(EntrypointValidator.nameOf(type), instance,
                    RpcMethods.of(type));
            withContextLoader(loader, () -> {
                start(config, instance);
                return null;
            });
            return new LoadedWorker(config, loader, entrypoint, Map.of(entrypoint.name(), entrypoint), env, threads);
        } catch (RuntimeException | Error e) {
            closeQuietly(loader);
            throw e;
        }
    }

    private static Class<? extends WorkerEntrypoint> defaultClass(WorkerConfig config, WorkerClassLoader loader,
            List<Class<? extends WorkerEntrypoint>> found) {
        if (config.main() != null) {
            return loadEntrypointClass(config, loader, config.main(), "\"main\" names",
                    "Check the class name and that the worker is built.");
        }
        if (found.isEmpty()) {
            throw new WorkerLoadException(where(config) + "no entrypoint found: no concrete class extends "
                    + WorkerEntrypoint.class.getName() + " in " + config.classpath()
                    + ". Write one (public, with a public no-argument constructor), or check \"classpath\".");
        }
        List<Class<? extends WorkerEntrypoint>> unnamed = found.stream()
                .filter(type -> !type.isAnnotationPresent(Entrypoint.class)).toList();
        if (unnamed.size() == 1) {
            return unnamed.get(0);
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        throw new WorkerLoadException(where(config) + "found " + found.size() + " entrypoints: "
                + String.join(", ", found.stream().map(Class::getName).toList()) + ". Set \"main\" in "
                + config.file().getFileName() + " to the one that serves this worker"
                + " (or annotate the others with @Entrypoint(\"name\") to make them named entrypoints).");
    }

    // "what" says who named the class ("\"main\" names"), "fix" what to do when it is not there.
    private static Class<? extends WorkerEntrypoint> loadEntrypointClass(WorkerConfig config, WorkerClassLoader loader,
            String className, String what, String fix) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new WorkerLoadException(where(config) + what + " " + className
                    + ", which is not on the worker's classpath " + config.classpath() + ". " + fix, e);
        }
        if (!WorkerEntrypoint.class.isAssignableFrom(type)) {
            throw new WorkerLoadException(where(config) + className + " does not extend "
                    + WorkerEntrypoint.class.getName() + ".");
        }
        return type.asSubclass(WorkerEntrypoint.class);
    }

    private static WorkerEntrypoint instantiate(WorkerConfig config, Class<? extends WorkerEntrypoint> type, Env env) {
        HostBridge.offerConstructionEnv(env);
        try {
            return type.getConstructor().newInstance();
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

    private static <T> T withContextLoader(ClassLoader loader, Supplier<T> action) {
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
