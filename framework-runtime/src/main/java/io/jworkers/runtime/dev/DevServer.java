package io.jworkers.runtime.dev;

import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.DevSecrets;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.http.WorkerRouter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code jworkers dev} runs: every given worker in one host, the first (the primary) served
 * on a local port for every path, the others reachable only through bindings.
 *
 * <p>Everything is checked before anything starts: all configs parse, names are unique, required
 * secrets are in {@code .dev.vars}, and every worker loads; otherwise nothing is left running.
 */
public final class DevServer implements AutoCloseable {

    private final List<WorkerConfig> configs;
    private final List<Secrets> secrets;
    private final WorkerHost host;
    private final IngressServer ingress;
    private final String address;
    private volatile ClasspathWatcher watcher;

    private DevServer(List<WorkerConfig> configs, List<Secrets> secrets, WorkerHost host, IngressServer ingress,
            String address) {
        this.configs = configs;
        this.secrets = secrets;
        this.host = host;
        this.ingress = ingress;
        this.address = address;
    }

    /**
     * Loads the workers and starts the listener.
     *
     * @param configFiles the configs; the first is the primary
     * @param environment the config environment to use ({@code env.NAME} blocks), or {@code null}
     * @param ip the address to listen on, e.g. {@code 127.0.0.1}
     * @param port the port, 0 for a free one
     * @return the running server
     * @throws ConfigException for a bad config, a duplicate name or a missing secret
     * @throws io.jworkers.runtime.loader.WorkerLoadException if a worker cannot be loaded
     */
    public static DevServer start(List<Path> configFiles, String environment, String ip, int port) {
        return start(configFiles, environment, IngressSettings.defaults(ip, port));
    }

    /**
     * Loads the workers and starts the listener with the given settings.
     *
     * @param configFiles the configs; the first is the primary
     * @param environment the config environment to use, or {@code null}
     * @param settings the listener's address, limits and grace periods
     * @return the running server
     * @throws ConfigException for a bad config, a duplicate name or a missing secret
     * @throws io.jworkers.runtime.loader.WorkerLoadException if a worker cannot be loaded
     */
    public static DevServer start(List<Path> configFiles, String environment, IngressSettings settings) {
        if (configFiles.isEmpty()) {
            throw new ConfigException("No worker config given: pass -c path/to/worker.jsonc");
        }
        List<WorkerConfig> configs = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : configFiles) {
            WorkerConfig config = ConfigLoader.load(file, environment);
            Path earlier = seen.putIfAbsent(config.name(), config.file());
            if (earlier != null) {
                throw new ConfigException("Two configs name the worker \"" + config.name() + "\": " + earlier + " and "
                        + config.file() + ". Worker names must be unique; rename one.");
            }
            configs.add(config);
        }
        List<Secrets> secrets = configs.stream().map(config -> DevSecrets.load(config, environment)).toList();

        // A replaced version's in-flight requests and waitUntil work get the shutdown grace to finish.
        WorkerHost host = new WorkerHost(settings.shutdownGrace(), false);
        try {
            for (int i = 0; i < configs.size(); i++) {
                host.load(configs.get(i), secrets.get(i));
            }
            host.checkEntrypoints(configs);
            IngressServer ingress = IngressServer.start(settings,
                    WorkerRouter.everythingTo(host.slot(configs.get(0).name())), host.requests());
            return new DevServer(List.copyOf(configs), secrets, host, ingress, settings.host());
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
    }

    /**
     * The port the primary worker is served on.
     *
     * @return the port
     */
    public int port() {
        return ingress.port();
    }

    /**
     * The URL the primary worker is served at.
     *
     * @return e.g. {@code http://127.0.0.1:8787}
     */
    public String url() {
        return "http://" + address + ":" + port();
    }

    /**
     * The host running the workers.
     *
     * @return the host
     */
    public WorkerHost host() {
        return host;
    }

    /**
     * The configs, primary first.
     *
     * @return the configs
     */
    public List<WorkerConfig> configs() {
        return configs;
    }

    /**
     * Each worker's bindings and vars, as Wrangler prints them.
     *
     * @return the report text
     */
    public String bindingReport() {
        return BindingReport.of(configs, host);
    }

    /**
     * Reloads a worker whenever its classes or jars change: a new version with a new loader,
     * swapped in while requests in flight finish on the old one. A version that fails to load
     * leaves the running one in place.
     *
     * @param out where to say what reloaded, or why not
     */
    public void watchForChanges(java.io.PrintStream out) {
        Map<String, List<Path>> classpaths = new java.util.LinkedHashMap<>();
        configs.forEach(config -> classpaths.put(config.name(), config.classpath()));
        watcher = ClasspathWatcher.start(classpaths, name -> reload(name, out), out);
    }

    private void reload(String name, java.io.PrintStream out) {
        int index = 0;
        while (!configs.get(index).name().equals(name)) {
            index++;
        }
        long start = System.nanoTime();
        try {
            host.load(configs.get(index), secrets.get(index));
            out.printf("Reloaded %s (%d ms): its classes changed%n", name, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            out.println("Not reloaded " + name + ": " + e.getMessage() + " (the running version stays; fix it and build again)");
        }
    }

    /**
     * What to do if the listener stops accepting connections while it should not (see
     * {@link IngressServer#whenListenerFails}).
     *
     * @param action takes a sentence that says which listener stopped and why
     */
    public void whenListenerFails(java.util.function.Consumer<String> action) {
        ingress.whenListenerFails(action);
    }

    /**
     * How many requests are being served right now.
     *
     * @return the count
     */
    public int inFlight() {
        return ingress.inFlight();
    }

    /** Drains and stops the listener, then unloads every worker (their {@code stop()} runs). */
    @Override
    public void close() {
        ClasspathWatcher watching = watcher;
        if (watching != null) {
            watching.close();
        }
        try {
            ingress.close();
        } finally {
            host.close();
        }
    }
}
