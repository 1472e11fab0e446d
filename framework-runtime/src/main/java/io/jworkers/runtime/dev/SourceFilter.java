package io.jworkers.runtime.dev;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which changes under a {@code watch_dir} do not call for a rebuild: the build's own output. A
 * build that wrote into the folder it is watched by would otherwise run again forever.
 */
final class SourceFilter implements Predicate<Path> {

    /** Folders that hold build output or tool state, never sources (Maven's target, version control). */
    private static final Set<String> NOT_SOURCES = Set.of("target", ".git", ".idea", ".gradle", "node_modules");

    private final List<Path> outputs;
    private final List<Path> watchDirs;

    /**
     * @param outputs the workers' classpath entries
     * @param watchDirs the watched source folders
     */
    SourceFilter(List<Path> outputs, List<Path> watchDirs) {
        this.outputs = List.copyOf(outputs);
        this.watchDirs = List.copyOf(watchDirs);
    }

    /**
     * Whether a change at {@code path} is not a source change.
     *
     * @param path the changed file or folder
     * @return {@code true} for a path inside a classpath entry, or inside a folder named e.g.
     *     {@code target} below a watched folder
     */
    @Override
    public boolean test(Path path) {
        for (Path output : outputs) {
            if (path.startsWith(output)) {
                return true;
            }
        }
        for (Path dir : watchDirs) {
            if (path.startsWith(dir)) {
                for (Path name : dir.relativize(path)) {
                    if (NOT_SOURCES.contains(name.toString())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
