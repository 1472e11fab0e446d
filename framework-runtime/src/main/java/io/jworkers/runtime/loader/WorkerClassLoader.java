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
    private final java.util.Map<String, Class<?>> helpers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean retired;

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

    /**
     * A copy of a host class defined in this loader, for the few JDK calls that check who calls
     * them (e.g. {@code DriverManager.deregisterDriver} accepts only code that sees the driver's
     * class). The class must use nothing but the JDK; it is defined once per loader.
     *
     * @param hostClass a top-level class of the runtime, its bytes read from the host's jar
     * @return the copy, defined by this loader
     * @throws IllegalStateException if the class file cannot be read
     */
    public Class<?> helper(Class<?> hostClass) {
        return helpers.computeIfAbsent(hostClass.getName(), name -> {
            String resource = name.substring(name.lastIndexOf('.') + 1) + ".class";
            try (java.io.InputStream in = hostClass.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("The class file of " + name + " is not in the host's jar");
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Reading the class file of " + name + " failed: " + e, e);
            }
        });
    }

    /**
     * Marks the loader as belonging to a version that was unloaded: what still holds it (a thread
     * its code started, say) keeps a replaced version in memory.
     */
    public void retire() {
        retired = true;
    }

    /**
     * Whether the version of this loader was unloaded.
     *
     * @return {@code true} after {@link #retire()}
     */
    public boolean retired() {
        return retired;
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
