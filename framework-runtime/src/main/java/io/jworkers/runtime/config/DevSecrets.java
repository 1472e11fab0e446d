package io.jworkers.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Local secrets for {@code jworkers dev}, read from {@code .dev.vars} beside the worker's config,
 * as Wrangler does, so secrets stay out of the config file (and out of version control).
 */
public final class DevSecrets {

    static final String FILE_NAME = ".dev.vars";

    private DevSecrets() {
    }

    /**
     * Reads the worker's dev secrets and checks that every required one is set.
     *
     * <p>With an environment selected, {@code .dev.vars.<env>} is read <em>instead of</em>
     * {@code .dev.vars} when it exists (not merged, as in Wrangler), so staging values never
     * mix with defaults by accident. A missing file means no secrets, which is fine for workers
     * that require none.
     *
     * @param config the worker's loaded config; its folder is where the file is looked for
     * @param environment the selected environment, or {@code null}
     * @return the secrets from the file
     * @throws ConfigException for a malformed line ({@code file:line}) or a required secret that is not set
     */
    public static Secrets load(WorkerConfig config, String environment) {
        Path file = fileFor(config, environment);
        Map<String, String> values = Files.exists(file) ? DotEnvParser.parse(file) : Map.of();
        List<String> missing = config.requiredSecrets().stream().filter(name -> !values.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new ConfigException(missingMessage(config.name(), missing, file));
        }
        return Secrets.of(values);
    }

    private static Path fileFor(WorkerConfig config, String environment) {
        Path folder = config.directory().toAbsolutePath().normalize();
        if (environment != null) {
            Path specific = folder.resolve(FILE_NAME + "." + environment);
            if (Files.exists(specific)) {
                return specific;
            }
        }
        return folder.resolve(FILE_NAME);
    }

    private static String missingMessage(String worker, List<String> missing, Path file) {
        if (missing.size() == 1) {
            String name = missing.getFirst();
            return "worker \"" + worker + "\" requires secret \"" + name + "\", which is not set: add a line "
                    + name + "=... to " + file;
        }
        return "worker \"" + worker + "\" requires secrets "
                + and(missing.stream().map(name -> "\"" + name + "\"").toList())
                + ", which are not set: add the lines "
                + and(missing.stream().map(name -> name + "=...").toList()) + " to " + file;
    }

    /** "a", "a and b", "a, b and c": reads better than a bracketed list in a sentence. */
    private static String and(List<String> items) {
        if (items.size() == 1) {
            return items.getFirst();
        }
        return items.subList(0, items.size() - 1).stream().collect(Collectors.joining(", "))
                + " and " + items.getLast();
    }
}
