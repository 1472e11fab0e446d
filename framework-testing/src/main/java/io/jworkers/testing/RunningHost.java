package io.jworkers.testing;

import io.jworkers.api.Env;
import io.jworkers.api.Service;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.Limits;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.pipeline.BindingOwner;
import io.jworkers.runtime.pipeline.BoundaryExceptions;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerThreads;
import io.jworkers.runtime.worker.LoadedWorker;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The host of one test: its workers loaded in real isolated loaders, the stand-ins of replaced
 * bindings adopted into slots of their own, and the pipelines the test's calls opened, so that
 * their background work can be awaited and cancelled when the test ends.
 */
final class RunningHost implements TestHost, AutoCloseable {

    /** How long waitUntil work may outlive its response, as in the public ingress. */
    private static final Duration WAIT_UNTIL_GRACE = TestHost.DEFAULT_BACKGROUND_TIMEOUT;

    private final WorkerHost host = new WorkerHost();
    private final List<String> names = new ArrayList<>();
    private final Map<String, TopLevelService> services = new ConcurrentHashMap<>();
    private final List<Pipeline> pipelines = new CopyOnWriteArrayList<>();
    private final WorkerThreads testThreads = new WorkerThreads("test");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jworkers-test-grace-timer");
        thread.setDaemon(true);
        return thread;
    });

    private RunningHost() {
    }

    /**
     * Loads the workers; the first is the worker under test.
     *
     * @param setups the workers' setups
     * @return the running host
     * @throws RuntimeException a config, secret or load problem, naming the worker and the fix;
     *     nothing stays loaded then
     */
    static RunningHost start(List<WorkerSetup> setups) {
        RunningHost running = new RunningHost();
        try {
            List<WorkerConfig> configs = new ArrayList<>();
            Map<String, Path> seen = new LinkedHashMap<>();
            for (WorkerSetup setup : setups) {
                WorkerConfig config = configOf(setup);
                Path earlier = seen.putIfAbsent(config.name(), config.file());
                if (earlier != null) {
                    throw new IllegalArgumentException("Two workers of the test are named \"" + config.name() + "\": "
                            + earlier + " and " + config.file() + "; worker names must be unique in a host");
                }
                configs.add(config);
            }
            for (int i = 0; i < setups.size(); i++) {
                WorkerConfig config = configs.get(i);
                for (Map.Entry<String, StandIn> replaced : setups.get(i).replacements().entrySet()) {
                    String slot = standInName(config.name(), replaced.getKey());
                    running.host.adopt(slot, standInConfig(config, slot), replaced.getValue().type());
                }
            }
            for (int i = 0; i < setups.size(); i++) {
                running.host.load(configs.get(i), secretsOf(configs.get(i), setups.get(i)));
                running.names.add(configs.get(i).name());
            }
            running.host.checkEntrypoints(configs);
            return running;
        } catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
    }

    private static WorkerConfig configOf(WorkerSetup setup) {
        WorkerConfig base = setup.config() != null ? ConfigLoader.load(setup.config(), null) : classConfig(setup);
        Map<String, String> vars = new LinkedHashMap<>(base.vars());
        vars.putAll(setup.vars());
        List<ServiceBindingConfig> services = new ArrayList<>();
        Set<String> toReplace = new TreeSet<>(setup.replacements().keySet());
        for (ServiceBindingConfig binding : base.services()) {
            if (toReplace.remove(binding.binding())) {
                services.add(new ServiceBindingConfig(binding.binding(), standInName(base.name(), binding.binding()),
                        null, null, binding.props()));
            } else {
                services.add(binding);
            }
        }
        if (!toReplace.isEmpty()) {
            if (setup.config() != null) {
                Set<String> known = new TreeSet<>();
                base.services().forEach(binding -> known.add(binding.binding()));
                throw new IllegalArgumentException("Worker \"" + base.name() + "\" (" + base.file() + ") has no binding "
                        + String.join(", ", toReplace) + " to replace; "
                        + (known.isEmpty() ? "it has none" : "it has: " + String.join(", ", known)));
            }
            toReplace.forEach(binding -> services.add(new ServiceBindingConfig(binding, standInName(base.name(), binding),
                    null, null, null)));
        }
        return new WorkerConfig(base.file(), base.name(), base.main(), base.classpath(), base.routes(), services, vars,
                base.requiredSecrets(), base.limits());
    }

    // A worker given as a class: its class folder or jar is its classpath, the class its main.
    private static WorkerConfig classConfig(WorkerSetup setup) {
        Class<?> type = setup.entrypoint();
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalArgumentException(type.getName() + " has no class folder or jar to load it from"
                    + " (it was generated or comes from the JDK); load the worker from its config instead");
        }
        Path location;
        try {
            location = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot read the location of " + type.getName() + ": " + source.getLocation(), e);
        }
        Path file = location.resolve(type.getName().replace('.', '/') + ".class");
        return new WorkerConfig(file, WorkerTestExtension.nameOf(type), type.getName(), List.of(location), List.of(),
                List.of(), Map.of(), Set.of(), Limits.DEFAULT);
    }

    private static Secrets secretsOf(WorkerConfig config, WorkerSetup setup) {
        List<String> missing = config.requiredSecrets().stream().filter(name -> !setup.secrets().containsKey(name)).toList();
        if (!missing.isEmpty()) {
            String first = missing.getFirst();
            throw new IllegalArgumentException("Worker \"" + config.name() + "\" requires secret"
                    + (missing.size() == 1 ? " \"" + first + "\"" : "s " + String.join(", ", missing))
                    + ", which the test does not set: add .withSecret(\"" + first + "\", \"...\") to its setup"
                    + " (tests do not read .dev.vars, so they run the same on every machine)");
        }
        return Secrets.of(setup.secrets());
    }

    private static String standInName(String worker, String binding) {
        return "stand-in:" + worker + "." + binding;
    }

    private static WorkerConfig standInConfig(WorkerConfig owner, String name) {
        return new WorkerConfig(owner.file(), name, null, List.of(), List.of(), List.of(), Map.of(), Set.of(), owner.limits());
    }

    Pipeline newPipeline(String requestId, LoadedWorker worker) {
        Pipeline pipeline = new Pipeline(requestId, worker.config().limits().subrequests(), TopLevelService.timeoutOf(worker));
        pipelines.add(pipeline);
        return pipeline;
    }

    void responded(Pipeline pipeline) {
        pipeline.responseSent(timer, WAIT_UNTIL_GRACE);
    }

    /**
     * The worker under test's name.
     *
     * @return the name
     */
    String selfName() {
        return names.getFirst();
    }

    @Override
    public Service self() {
        return service(selfName());
    }

    @Override
    public Service service(String worker) {
        return service(worker, null);
    }

    @Override
    public Service service(String worker, String entrypoint) {
        LoadedWorker loaded = worker(worker);
        if (entrypoint != null && loaded.entrypoint(entrypoint) == null) {
            throw new IllegalArgumentException("Worker \"" + worker + "\" has no entrypoint \"" + entrypoint
                    + "\"; it has: " + String.join(", ", loaded.entrypointNames()));
        }
        return services.computeIfAbsent(entrypoint == null ? worker : worker + "#" + entrypoint,
                key -> new TopLevelService(this, host.slot(worker), entrypoint,
                        new BindingOwner("test", loaded.config().limits().subrequests(), TopLevelService.timeoutOf(loaded),
                                testThreads)));
    }

    @Override
    public Env env() {
        return env(selfName());
    }

    @Override
    public Env env(String worker) {
        return worker(worker).env();
    }

    private LoadedWorker worker(String name) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException("The test's host has no worker \"" + name + "\"; it has: "
                    + String.join(", ", names) + " (add one with WorkerTestExtension.withWorker)");
        }
        return host.worker(name).orElseThrow(() -> new IllegalStateException("The test's workers are closed"));
    }

    @Override
    public void awaitBackgroundWork() {
        awaitBackgroundWork(DEFAULT_BACKGROUND_TIMEOUT);
    }

    @Override
    public void awaitBackgroundWork(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (backgroundRunning()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Work started beside the test's responses (waitUntil or async calls) is still"
                        + " running after " + timeout.toMillis() + " ms; the workers' threads: " + threadsAlive());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for background work", e);
            }
        }
        List<Throwable> failures = new ArrayList<>();
        for (Pipeline pipeline : pipelines) {
            failures.addAll(pipeline.waitUntilFailures());
        }
        // Reported once: a later await only sees later pipelines' failures.
        pipelines.removeIf(pipeline -> !pipeline.hasRunningBackgroundWork());
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("waitUntil work failed: " + failures.getFirst(),
                    forTest(failures.getFirst()));
            failures.stream().skip(1).forEach(failure -> error.addSuppressed(forTest(failure)));
            throw error;
        }
    }

    private boolean backgroundRunning() {
        for (Pipeline pipeline : pipelines) {
            if (pipeline.hasRunningBackgroundWork()) {
                return true;
            }
        }
        return host.workers().stream().anyMatch(worker -> worker.threads().alive() > 0) || testThreads.alive() > 0;
    }

    private String threadsAlive() {
        StringBuilder text = new StringBuilder();
        for (LoadedWorker worker : host.workers()) {
            int alive = worker.threads().alive();
            if (alive > 0) {
                text.append(text.isEmpty() ? "" : ", ").append(worker.name()).append(' ').append(alive);
            }
        }
        return text.isEmpty() ? "none alive (a waitUntil stage is pending)" : text.toString();
    }

    // The worker's own exception types become RemoteException, as for any caller; stacks are kept.
    private static Throwable forTest(Throwable failure) {
        try {
            return BoundaryExceptions.translate(failure);
        } catch (Error error) {
            return error;
        }
    }

    /** Cancels background work still running, unloads every worker (their stop() runs) and stops the timer. */
    @Override
    public void close() {
        try {
            for (Pipeline pipeline : pipelines) {
                if (pipeline.hasRunningBackgroundWork()) {
                    pipeline.cancelBackgroundWork();
                }
            }
            testThreads.interruptAll();
            host.close();
        } finally {
            timer.shutdownNow();
        }
    }
}
