package io.jworkers.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code jworkers.jsonc} file that lists which worker configs {@code jworkers dev} runs when
 * given no {@code -c}, so a multi-worker project starts with a bare {@code jworkers dev}:
 *
 * <pre>{@code { "dev": ["example-gateway/worker.jsonc", "example-auth/worker.jsonc"] }}</pre>
 */
public final class DevWorkspace {

    static final String FILE_NAME = "jworkers.jsonc";

    private DevWorkspace() {
    }

    /**
     * Reads {@code jworkers.jsonc} in {@code directory}, if there is one.
     *
     * @param directory the folder to look in (usually the working directory)
     * @return the listed config files, absolute and in file order; empty if there is no such file
     * @throws ConfigException for bad content or a listed file that does not exist
     */
    public static Optional<List<Path>> find(Path directory) {
        Path file = directory.toAbsolutePath().normalize().resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        ConfigSource source = ConfigSource.open(file, "dev workspace file (" + FILE_NAME + ")");
        RawConfig.Workspace raw = source.bind(RawConfig.Workspace.class,
                "list the worker configs to run, e.g. { \"dev\": [\"gateway/worker.jsonc\", \"auth/worker.jsonc\"] }");
        FieldPath path = FieldPath.ROOT.field("dev");
        if (raw.dev() == null) {
            throw source.missing(path, "list the worker configs `jworkers dev` runs,"
                    + " e.g. \"dev\": [\"gateway/worker.jsonc\", \"auth/worker.jsonc\"]");
        }
        if (raw.dev().isEmpty()) {
            throw source.problem(path, "is empty; list the worker configs `jworkers dev` runs,"
                    + " e.g. [\"gateway/worker.jsonc\", \"auth/worker.jsonc\"]");
        }
        return Optional.of(configs(source, path, raw.dev()));
    }

    private static List<Path> configs(ConfigSource source, FieldPath path, List<String> entries) {
        List<Path> out = new ArrayList<>();
        Map<Path, Integer> seen = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            FieldPath entryPath = path.index(i);
            String entry = entries.get(i);
            if (entry == null || entry.isBlank()) {
                throw source.problem(entryPath, "expected the path of a worker config, e.g. \"auth/worker.jsonc\"");
            }
            Path config = source.file().getParent().resolve(entry).normalize();
            if (Files.isDirectory(config)) {
                throw source.problem(entryPath, config + " is a folder; name the config file inside it,"
                        + " e.g. \"" + entry.replaceAll("/+$", "") + "/worker.jsonc\"");
            }
            if (!Files.exists(config)) {
                throw source.problem(entryPath, config + " does not exist (paths resolve against the folder of "
                        + FILE_NAME + ")");
            }
            Integer earlier = seen.putIfAbsent(config, i);
            if (earlier != null) {
                // Running one worker twice would only fail later, as a confusing duplicate-name error.
                throw source.problem(entryPath, config + " is listed twice, as " + path.index(earlier)
                        + " and " + entryPath + "; remove one");
            }
            out.add(config);
        }
        return List.copyOf(out);
    }
}
