package io.jworkers.runtime.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one worker's {@code worker.jsonc} or {@code worker.toml} into a {@link WorkerConfig}.
 *
 * <p>All checking happens here, before anything starts, so a bad config is one clear message
 * instead of a half-started host. The first problem found is reported: configs are small, and
 * one precise message beats a list where later entries are consequences of the first.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads and checks a worker config.
     *
     * @param file the {@code .jsonc}/{@code .json} or {@code .toml} file; relative to the working directory
     * @param environment the {@code env} block to apply, or {@code null} for the top-level config
     * @return the checked config, with the environment applied and the classpath resolved
     * @throws ConfigException naming the file, the field and/or {@code line:col}, and the fix
     */
    public static WorkerConfig load(Path file, String environment) throws ConfigException {
        Checked checked = check(file, environment);
        ConfigSource source = checked.source();
        Settings selected = checked.settings();
        List<Path> classpath = selected.classpath() == null
                ? ClasspathResolver.resolveDefault(source)
                : ClasspathResolver.resolve(source, selected.classpathPath(), selected.classpath());
        return new WorkerConfig(source.file(), checked.name(), selected.main(), classpath,
                orEmpty(selected.routes()), orEmpty(selected.services()),
                selected.vars() == null ? Map.of() : selected.vars(),
                selected.requiredSecrets() == null ? Set.of() : selected.requiredSecrets(),
                selected.limits() == null ? Limits.DEFAULT : selected.limits());
    }

    /**
     * Reads a worker config's {@code build} field, checking the whole file as {@link #load} does
     * except that the classpath need not exist yet: building it is what the command is for.
     *
     * @param file the {@code .jsonc}/{@code .json} or {@code .toml} file; relative to the working directory
     * @param environment the {@code env} block to apply, or {@code null} for the top-level config
     * @return how to build the worker (an environment's {@code build} replaces the top-level one),
     *     or empty when the config has no {@code build}
     * @throws ConfigException naming the file, the field and/or {@code line:col}, and the fix
     */
    public static Optional<BuildConfig> build(Path file, String environment) throws ConfigException {
        return Optional.ofNullable(check(file, environment).build());
    }

    /** Everything but the classpath's existence, which depends on whether the worker is built yet. */
    private static Checked check(Path file, String environment) {
        ConfigSource source = ConfigSource.open(file, "worker config file (worker.jsonc or worker.toml)");
        RawConfig.Worker raw = source.bind(RawConfig.Worker.class, source.format() == ConfigSource.Format.TOML
                ? "a worker config needs at least a name, e.g. name = \"my-worker\""
                : "a worker config needs at least a name, e.g. { \"name\": \"my-worker\" }");
        String name = name(source, raw.name());
        Settings top = Settings.check(source, FieldPath.ROOT, raw.main(), raw.classpath(), raw.routes(),
                raw.services(), raw.vars(), raw.secrets(), raw.limits());
        BuildConfig topBuild = BuildRules.check(source, FieldPath.ROOT.field("build"), name, raw.build());
        Map<String, Settings> environments = environments(source, raw.env());
        Map<String, BuildConfig> builds = builds(source, name, raw.env());
        if (environment == null) {
            return new Checked(source, name, top, topBuild);
        }
        Settings selected = top.overriddenBy(select(source, environments, environment));
        BuildConfig build = builds.get(environment);
        return new Checked(source, name, selected, build != null ? build : topBuild);
    }

    private record Checked(ConfigSource source, String name, Settings settings, BuildConfig build) {
    }

    private static String name(ConfigSource source, String name) {
        FieldPath path = FieldPath.ROOT.field("name");
        if (name == null) {
            throw source.missing(path, "every worker needs a name, which other workers' service bindings"
                    + " use to call it, e.g. \"name\": \"auth\"");
        }
        if (!NameRules.WORKER_NAME.matcher(name).matches()) {
            throw source.problem(path, "\"" + name + "\" is not a valid worker name; " + NameRules.WORKER_NAME_RULE);
        }
        return name;
    }

    private static Map<String, Settings> environments(ConfigSource source, Map<String, RawConfig.Env> raw) {
        Map<String, Settings> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (Map.Entry<String, RawConfig.Env> entry : raw.entrySet()) {
            FieldPath base = FieldPath.ROOT.field("env").field(entry.getKey());
            RawConfig.Env env = entry.getValue();
            if (env == null) {
                throw source.problem(base, "expected an object with the fields this environment replaces,"
                        + " e.g. { \"vars\": { ... } }, not null");
            }
            out.put(entry.getKey(), Settings.check(source, base, env.main(), env.classpath(), env.routes(),
                    env.services(), env.vars(), env.secrets(), env.limits()));
        }
        return out;
    }

    /** Each environment's own {@code build}; environments without one are left out. */
    private static Map<String, BuildConfig> builds(ConfigSource source, String name, Map<String, RawConfig.Env> raw) {
        Map<String, BuildConfig> out = new LinkedHashMap<>();
        if (raw != null) {
            raw.forEach((environment, env) -> {
                BuildConfig build = env == null ? null
                        : BuildRules.check(source, FieldPath.ROOT.field("env").field(environment).field("build"), name, env.build());
                if (build != null) {
                    out.put(environment, build);
                }
            });
        }
        return out;
    }

    private static Settings select(ConfigSource source, Map<String, Settings> environments, String environment) {
        Settings selected = environments.get(environment);
        if (selected != null) {
            return selected;
        }
        if (environments.isEmpty()) {
            throw source.problem("environment \"" + environment + "\" is not declared, and this config declares no"
                    + " environments; add \"env\": { \"" + environment + "\": { ... } } or run without an environment");
        }
        throw source.problem("environment \"" + environment + "\" is not declared"
                + Spelling.hint(environment, environments.keySet())
                + "; declared environments: " + String.join(", ", environments.keySet()));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
