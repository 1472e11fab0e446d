package io.jworkers.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@code build} block. Folders are checked now, like classpath entries, because a
 * misspelt {@code cwd} or {@code watch_dir} otherwise shows up as a build that fails for an
 * unrelated-looking reason, or as edits that never trigger a rebuild.
 */
final class BuildRules {

    /** Where sources are, unless {@code watch_dir} says otherwise: Maven's and Gradle's {@code src}. */
    static final String DEFAULT_WATCH_DIR = "src";
    static final String EXAMPLE = "\"build\": { \"command\": \"./mvnw -q compile\", \"watch_dir\": \"src\" }";

    private BuildRules() {
    }

    /** The checked build, or {@code null} when the block has none. */
    static BuildConfig check(ConfigSource source, FieldPath path, String worker, RawConfig.Build raw) {
        if (raw == null) {
            return null;
        }
        FieldPath commandPath = path.field("command");
        if (raw.command() == null) {
            throw source.missing(commandPath, "the shell command that builds the worker, e.g. " + EXAMPLE);
        }
        if (raw.command().isBlank()) {
            throw source.problem(commandPath, "is empty; give the shell command that builds the worker,"
                    + " e.g. \"./mvnw -q compile\", or remove \"build\"");
        }
        Path base = source.file().getParent();
        Path cwd = raw.cwd() == null ? base : folder(source, path.field("cwd"), base, raw.cwd());
        return new BuildConfig(worker, source.file(), raw.command(), cwd, watchDirs(source, path.field("watch_dir"),
                base, raw.watchDir()));
    }

    private static List<Path> watchDirs(ConfigSource source, FieldPath path, Path base, JsonNode raw) {
        if (raw == null || raw.isNull()) {
            // The default is only a convention: a worker without src/ simply has nothing to watch.
            Path src = base.resolve(DEFAULT_WATCH_DIR);
            return Files.isDirectory(src) ? List.of(src) : List.of();
        }
        if (raw.isTextual()) {
            return List.of(folder(source, path, base, raw.textValue()));
        }
        if (!raw.isArray()) {
            throw source.problem(path, "expected a folder or a list of folders, e.g. \"src\" or [\"src\", \"../shared/src\"]");
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            JsonNode entry = raw.get(i);
            if (!entry.isTextual()) {
                throw source.problem(path.index(i), "expected a folder, e.g. \"src\"");
            }
            out.add(folder(source, path.index(i), base, entry.textValue()));
        }
        return List.copyOf(out);
    }

    private static Path folder(ConfigSource source, FieldPath path, Path base, String value) {
        if (value.isBlank()) {
            throw source.problem(path, "expected a folder, e.g. \"src\"");
        }
        Path folder;
        try {
            folder = base.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw source.problem(path, "\"" + value + "\" is not a valid path (" + e.getReason() + ")");
        }
        if (!Files.isDirectory(folder)) {
            throw source.problem(path, folder + (Files.exists(folder) ? " is not a folder" : " does not exist")
                    + " (relative paths resolve against the config's folder)");
        }
        return folder;
    }
}
