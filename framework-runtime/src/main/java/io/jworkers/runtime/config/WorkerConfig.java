package io.jworkers.runtime.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One worker's configuration after validation, with the selected environment already applied and
 * every path made absolute, so nothing downstream needs to know about files, formats or envs.
 *
 * @param file the config file, absolute and normalized
 * @param name the worker's name, unique in a host, used as the target of service bindings
 * @param main the entrypoint class's binary name, or {@code null} to let the loader find the only one
 * @param classpath absolute folders and jars, in lookup order, with folders of jars already expanded
 * @param routes public path patterns such as {@code /api/*}; empty for a private worker
 * @param services the worker's service bindings, in config order
 * @param vars plain-text variables; numbers and booleans as their text, objects and arrays as JSON
 * @param requiredSecrets names of secrets the worker cannot start without
 * @param limits the worker's per-request budgets
 */
public record WorkerConfig(Path file, String name, String main, List<Path> classpath,
        List<String> routes, List<ServiceBindingConfig> services, Map<String, String> vars,
        Set<String> requiredSecrets, Limits limits) {

    /**
     * Copies every collection so a config can be shared between threads without anyone changing
     * it underneath, and keeps config order (people read routes and vars in the order they wrote).
     * Absent collections become empty so code that builds configs by hand stays short.
     */
    public WorkerConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        classpath = classpath == null ? List.of() : List.copyOf(classpath);
        routes = routes == null ? List.of() : List.copyOf(routes);
        services = services == null ? List.of() : List.copyOf(services);
        vars = vars == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(vars));
        requiredSecrets = requiredSecrets == null ? Set.of()
                : Collections.unmodifiableSet(new LinkedHashSet<>(requiredSecrets));
        limits = limits == null ? Limits.DEFAULT : limits;
    }

    /** A worker with routes is reachable over HTTP; one without is reachable only through bindings. */
    public boolean isPublic() {
        return !routes.isEmpty();
    }

    /** The folder relative paths in the config were resolved against, where {@code .dev.vars} lives too. */
    public Path directory() {
        return file.getParent();
    }
}
