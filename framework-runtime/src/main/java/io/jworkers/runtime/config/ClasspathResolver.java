package io.jworkers.runtime.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns {@code classpath} entries into absolute folders and jars.
 *
 * <p>Relative entries resolve against the config file's folder, never the working directory, so
 * {@code jworkers dev -c example-auth/worker.jsonc} and running from inside {@code example-auth}
 * load the same classes. Existence is checked now because a missing folder otherwise surfaces
 * much later as a baffling "no entrypoint found".
 */
final class ClasspathResolver {

    static final String DEFAULT_ENTRY = "target/classes";

    private ClasspathResolver() {
    }

    /** For a config without {@code classpath}: Maven's output folder, the common case for a worker module. */
    static List<Path> resolveDefault(ConfigSource source) {
        Path folder = source.file().getParent().resolve(DEFAULT_ENTRY).normalize();
        if (!Files.isDirectory(folder)) {
            throw source.problem(folder + " does not exist: without a \"classpath\" field, a worker's classes are"
                    + " loaded from target/classes beside its config; build the worker (e.g. mvn package),"
                    + " or set \"classpath\" to where its classes and jars are");
        }
        return expand(source, FieldPath.ROOT.field("classpath"), folder);
    }

    static List<Path> resolve(ConfigSource source, FieldPath path, List<String> entries) {
        Set<Path> out = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            FieldPath entryPath = path.index(i);
            Path entry;
            try {
                entry = source.file().getParent().resolve(entries.get(i)).normalize();
            } catch (InvalidPathException e) {
                throw source.problem(entryPath, "\"" + entries.get(i) + "\" is not a valid path (" + e.getReason() + ")");
            }
            if (!Files.exists(entry)) {
                throw source.problem(entryPath, entry + " does not exist (relative paths resolve against the"
                        + " config's folder; did you build the worker, e.g. mvn package?)");
            }
            if (Files.isDirectory(entry)) {
                out.addAll(expand(source, entryPath, entry));
            } else if (isJar(entry)) {
                out.add(entry);
            } else {
                throw source.problem(entryPath, entry + " is neither a folder nor a .jar file; list classes"
                        + " folders, jars, or folders of jars");
            }
        }
        // A jar listed itself and also found in a listed folder would be searched twice for nothing.
        return List.copyOf(out);
    }

    /**
     * A folder stands for itself (a classes folder) and for the jars directly in it, so
     * {@code target/lib} filled by {@code dependency:copy-dependencies} works without listing each
     * jar. Sorted by name so class lookup order does not depend on the file system.
     */
    private static List<Path> expand(ConfigSource source, FieldPath path, Path folder) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
            for (Path child : children) {
                if (isJar(child) && Files.isRegularFile(child)) {
                    jars.add(child);
                }
            }
        } catch (IOException e) {
            throw source.problem(path, folder + " cannot be listed (" + e + "); check its permissions");
        }
        jars.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        List<Path> out = new ArrayList<>();
        out.add(folder);
        out.addAll(jars);
        return out;
    }

    private static boolean isJar(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
    }
}
