package io.jworkers.runtime.unload;

import io.jworkers.runtime.loader.WorkerClassLoader;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * JDBC through {@code DriverManager} for workers: a version's drivers are registered when it
 * loads, so {@code getConnection} works with no {@code Class.forName}, and deregistered when it
 * unloads, so a replaced version's loader is not kept by the JVM-wide driver list.
 *
 * <p>{@code DriverManager} finds the drivers on the classpath once per JVM, with the context
 * loader of whoever touches it first; {@link HostJvm} makes that the host, with a loader that
 * sees no worker's jars, and this class registers each worker's drivers itself.
 */
public final class JdbcDrivers {

    private static final System.Logger LOG = System.getLogger("jworkers.host");

    private JdbcDrivers() {
    }

    /**
     * Registers the drivers a version's jars declare. A driver that does not load is logged and
     * skipped: {@code DriverManager} itself skips such drivers, and a worker may never use it.
     *
     * @param loader the version's loader
     */
    public static void register(WorkerClassLoader loader) {
        try {
            if (!loader.getResources(WorkerJdbcDrivers.SERVICE_FILE).hasMoreElements()) {
                return;
            }
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) call(loader, "register");
            for (String problem : problems) {
                LOG.log(Level.WARNING, "[" + loader.workerName() + "] the JDBC driver " + problem
                        + " is declared in " + WorkerJdbcDrivers.SERVICE_FILE + " but does not load; skipped");
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            LOG.log(Level.WARNING, "[" + loader.workerName() + "] reading " + WorkerJdbcDrivers.SERVICE_FILE
                    + " failed: " + e + "; no JDBC driver registered for it");
        }
    }

    /**
     * Deregisters every driver a version's loader defined.
     *
     * @param loader the version's loader
     * @return the class names of the drivers deregistered
     */
    @SuppressWarnings("unchecked")
    public static List<String> deregister(WorkerClassLoader loader) {
        return (List<String>) call(loader, "deregister");
    }

    private static Object call(WorkerClassLoader loader, String method) {
        try {
            return loader.helper(WorkerJdbcDrivers.class).getMethod(method, ClassLoader.class).invoke(null, loader);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof java.io.IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
            throw new IllegalStateException("JDBC drivers of " + loader.workerName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JDBC drivers of " + loader.workerName() + ": " + e, e);
        }
    }
}
