package io.jworkers.runtime.loader;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * The class loader of one worker version: the worker's own classes and jars, over an
 * {@link ApiOnlyClassLoader}. It is named after the worker, so stack traces read
 * {@code gateway//io.acme.GatewayWorker.fetch(...)} and show which worker each frame belongs to.
 */
public final class WorkerClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final String workerName;
    private final List<Path> classpath;

    /**
     * Creates the loader.
     *
     * @param workerName the worker's name, used as the loader's name
     * @param classpath class folders and jars, absolute
     * @param parent the shared API-only parent
     */
    public WorkerClassLoader(String workerName, List<Path> classpath, ApiOnlyClassLoader parent) {
        super(workerName, toUrls(classpath), parent);
        this.workerName = workerName;
        this.classpath = List.copyOf(classpath);
    }

    /**
     * The worker this loader belongs to.
     *
     * @return the worker's name
     */
    public String workerName() {
        return workerName;
    }

    /**
     * The class folders and jars this loader reads.
     *
     * @return absolute paths
     */
    public List<Path> classpath() {
        return classpath;
    }

    private static URL[] toUrls(List<Path> classpath) {
        return classpath.stream().map(WorkerClassLoader::toUrl).toArray(URL[]::new);
    }

    private static URL toUrl(Path path) {
        try {
            return path.toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("Classpath entry " + path + " cannot be used as a URL", e);
        }
    }

    @Override
    public String toString() {
        return "WorkerClassLoader[" + workerName + "]";
    }
}
