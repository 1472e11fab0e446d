package io.jworkers.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.jworkers.runtime.json.JsonTrees;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment-overridable part of a config (top level or one {@code env} block), checked but
 * with "not set" still {@code null}.
 *
 * <p>Keeping "not set" apart from defaults is what lets an environment replace exactly the keys
 * it sets. Every block is checked when the file loads, not only the selected one, so a typo in
 * {@code env.production} fails during development rather than on deploy day.
 *
 * @param classpathPath where {@code classpath} was written, so a missing entry is reported
 *     against the block that named it ({@code env.staging.classpath[1]})
 */
record Settings(String main, List<String> classpath, FieldPath classpathPath, List<String> routes,
        List<ServiceBindingConfig> services, Map<String, String> vars, Set<String> requiredSecrets,
        Limits limits) {

    static final int MAX_SUBREQUESTS = 1_000_000;
    static final long MAX_TIMEOUT_MS = 3_600_000;

    /** Checks one block's raw values; {@code base} is the block's path, the root or {@code env.<name>}. */
    static Settings check(ConfigSource source, FieldPath base, String main, List<String> classpath,
            List<String> routes, List<RawConfig.Service> services, Map<String, JsonNode> vars,
            RawConfig.SecretsBlock secrets, RawConfig.LimitsBlock limits) {
        FieldPath classpathPath = base.field("classpath");
        return new Settings(
                main(source, base.field("main"), main),
                classpath(source, classpathPath, classpath),
                classpathPath,
                routes(source, base.field("routes"), routes),
                ServiceRules.check(source, base.field("services"), services),
                vars(source, base.field("vars"), vars),
                secrets(source, base.field("secrets").field("required"), secrets),
                limits(source, base.field("limits"), limits));
    }

    /** Wrangler's rule for non-inheritable keys: a key set in the environment replaces the top-level one whole. */
    Settings overriddenBy(Settings env) {
        return new Settings(
                env.main != null ? env.main : main,
                env.classpath != null ? env.classpath : classpath,
                env.classpath != null ? env.classpathPath : classpathPath,
                env.routes != null ? env.routes : routes,
                env.services != null ? env.services : services,
                env.vars != null ? env.vars : vars,
                env.requiredSecrets != null ? env.requiredSecrets : requiredSecrets,
                env.limits != null ? env.limits : limits);
    }

    private static String main(ConfigSource source, FieldPath path, String main) {
        if (main != null && !NameRules.isClassName(main)) {
            throw source.problem(path, "\"" + main + "\" is not a class name; " + NameRules.MAIN_RULE);
        }
        return main;
    }

    private static List<String> classpath(ConfigSource source, FieldPath path, List<String> entries) {
        if (entries == null) {
            return null;
        }
        if (entries.isEmpty()) {
            throw source.problem(path, "is empty; list the worker's classes folder and jars,"
                    + " e.g. [\"target/classes\", \"target/lib\"], or leave it out for [\"target/classes\"]");
        }
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            if (entry == null || entry.isBlank()) {
                throw source.problem(path.index(i), "expected a folder or .jar path, e.g. \"target/classes\"");
            }
        }
        return List.copyOf(entries);
    }

    private static List<String> routes(ConfigSource source, FieldPath path, List<String> routes) {
        if (routes == null) {
            return null;
        }
        for (int i = 0; i < routes.size(); i++) {
            String route = routes.get(i);
            if (route == null) {
                throw source.problem(path.index(i), "expected a string such as \"/api/*\", not null");
            }
            String problem = NameRules.routeProblem(route);
            if (problem != null) {
                throw source.problem(path.index(i), "\"" + route + "\" " + problem);
            }
        }
        return List.copyOf(routes);
    }

    /** Vars are plain text to the worker; structured values keep their JSON so the worker can parse them. */
    private static Map<String, String> vars(ConfigSource source, FieldPath path, Map<String, JsonNode> vars) {
        if (vars == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> var : vars.entrySet()) {
            JsonNode value = var.getValue();
            if (value == null || value.isNull() || value.isMissingNode()) {
                throw source.problem(path.field(var.getKey()),
                        "null is not a value; use a string, number, boolean, object or list, or remove the var");
            }
            out.put(var.getKey(), value.isTextual() ? value.textValue()
                    : value.isContainerNode() ? JsonTrees.write(value) : value.asText());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Set<String> secrets(ConfigSource source, FieldPath path, RawConfig.SecretsBlock secrets) {
        if (secrets == null) {
            return null;
        }
        List<String> required = secrets.required() == null ? List.of() : secrets.required();
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < required.size(); i++) {
            String name = required.get(i);
            if (name == null || !NameRules.SECRET_NAME.matcher(name).matches()) {
                throw source.problem(path.index(i), (name == null ? "null" : "\"" + name + "\"")
                        + " is not a valid secret name; " + NameRules.SECRET_NAME_RULE);
            }
            out.add(name);
        }
        return Collections.unmodifiableSet(out);
    }

    /** Fields left out take the defaults, not the top-level values: an env's limits block stands alone. */
    private static Limits limits(ConfigSource source, FieldPath path, RawConfig.LimitsBlock limits) {
        if (limits == null) {
            return null;
        }
        long subrequests = limits.subrequests() == null ? Limits.DEFAULT.subrequests() : limits.subrequests();
        if (subrequests < 1 || subrequests > MAX_SUBREQUESTS) {
            throw source.problem(path.field("subrequests"), subrequests + " is out of range; use a number from 1 to "
                    + MAX_SUBREQUESTS + " (the default is " + Limits.DEFAULT.subrequests() + ")");
        }
        long timeoutMs = limits.timeoutMs() == null ? Limits.DEFAULT.timeoutMs() : limits.timeoutMs();
        if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
            throw source.problem(path.field("timeout_ms"), timeoutMs + " is out of range; use milliseconds from 1 to "
                    + MAX_TIMEOUT_MS + " (one hour; the default is " + Limits.DEFAULT.timeoutMs() + ")");
        }
        return new Limits((int) subrequests, timeoutMs);
    }
}
