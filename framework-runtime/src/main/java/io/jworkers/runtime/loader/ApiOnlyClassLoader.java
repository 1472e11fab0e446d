package io.jworkers.runtime.loader;

import io.jworkers.api.WorkerEntrypoint;
import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The parent of every worker's class loader: it shows the JDK (through the platform loader) and
 * the classes of package {@code io.jworkers.api} (from the host), and nothing else of the host:
 * no Helidon, Jackson, ByteBuddy or ClassGraph, no runtime internals.
 *
 * <p>Sharing the API classes is what lets a worker's {@code Request} be the host's
 * {@code Request}: binding calls pass objects by reference across worker loaders.
 */
public final class ApiOnlyClassLoader extends ClassLoader {

    private static final String API_PACKAGE = WorkerEntrypoint.class.getPackageName();
    private static final String API_RESOURCE_PREFIX = API_PACKAGE.replace('.', '/') + "/";

    static {
        registerAsParallelCapable();
    }

    private static final ApiOnlyClassLoader SHARED = new ApiOnlyClassLoader();

    private final ClassLoader host;

    /**
     * The loader every host of this process uses: it holds no state of its own, and it is the
     * context class loader the host gives the JDK's shared threads (the common pool's), so that
     * no worker code sees host classes through them.
     *
     * @return the shared loader
     */
    public static ApiOnlyClassLoader shared() {
        return SHARED;
    }

    /** Creates the loader over the class loader that holds {@code io.jworkers.api}. */
    public ApiOnlyClassLoader() {
        super("jworkers-api", ClassLoader.getPlatformClassLoader());
        this.host = WorkerEntrypoint.class.getClassLoader();
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (isApiClass(name)) {
            return host.loadClass(name);
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        return name.startsWith(API_RESOURCE_PREFIX) && name.indexOf('/', API_RESOURCE_PREFIX.length()) < 0
                ? host.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(url));
    }

    // Only the API package itself: not sub-packages, and not io.jworkers.bridge, the host's door.
    private static boolean isApiClass(String name) {
        int lastDot = name.lastIndexOf('.');
        return lastDot == API_PACKAGE.length() && name.startsWith(API_PACKAGE);
    }
}
