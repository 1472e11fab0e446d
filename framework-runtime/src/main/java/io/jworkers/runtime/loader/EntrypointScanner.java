package io.jworkers.runtime.loader;

import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ScanResult;
import io.jworkers.api.WorkerEntrypoint;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the concrete {@link WorkerEntrypoint} subclasses in a worker's class folders and jars by
 * reading class files (ClassGraph), without loading or initializing any worker class.
 */
public final class EntrypointScanner {

    private EntrypointScanner() {
    }

    /**
     * Lists the concrete entrypoint classes on a classpath.
     *
     * @param classpath class folders and jars
     * @return binary class names, sorted
     */
    public static List<String> concreteEntrypoints(List<Path> classpath) {
        ClassGraph graph = new ClassGraph()
                .overrideClasspath(classpath.stream().map(Path::toString).toList())
                .enableClassInfo()
                .ignoreClassVisibility();
        try (ScanResult scan = graph.scan()) {
            return scan.getSubclasses(WorkerEntrypoint.class.getName()).stream()
                    .filter(info -> !info.isAbstract() && !info.isInterface())
                    .map(ClassInfo::getName)
                    .sorted()
                    .toList();
        }
    }
}
