package io.jworkers.runtime.unload;

import io.jworkers.runtime.loader.WorkerClassLoader;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cleans the JVM-wide registries after a worker version stops, as Tomcat does for a web
 * application: its JDBC drivers are deregistered, and whatever else of its classes it left in a
 * registry of the process (a logging handler, the default uncaught exception handler, a security
 * provider, the URL stream handler factory, an MBean, a shutdown hook) is removed, each with one
 * warning: {@code [worker] left a java.util.logging handler … on the root logger; removed}. Those
 * are the worker's to undo in {@code stop()}; left there they would keep the version in memory
 * and run its code after its loader closed.
 */
public final class Leftovers {

    private static final System.Logger LOG = System.getLogger("jworkers.host");
    private static final List<Leftover> KINDS = List.of(new JulHandlers(), new UncaughtHandler(),
            new SecurityProviders(), new UrlHandlerFactory(), new PlatformMBeans(), new ShutdownHooks());
    // Kinds this process cannot read (a package not opened to the host): said once, not per unload.
    private static final Set<Class<?>> UNREADABLE = ConcurrentHashMap.newKeySet();

    private Leftovers() {
    }

    /**
     * Removes what a stopped version left in the JVM. Runs before its loader closes, while its
     * classes still load (a handler's {@code close()} may need one).
     *
     * @param loader the version's loader
     */
    public static void remove(WorkerClassLoader loader) {
        String worker = loader.workerName();
        try {
            List<String> drivers = JdbcDrivers.deregister(loader);
            if (!drivers.isEmpty()) {
                LOG.log(Level.DEBUG, "[" + worker + "] deregistered the JDBC drivers " + drivers);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "[" + worker + "] deregistering its JDBC drivers failed: " + e);
        }
        for (Leftover kind : KINDS) {
            try {
                for (String what : kind.removeFrom(loader)) {
                    LOG.log(Level.WARNING, "[" + worker + "] left " + what + "; removed");
                }
            } catch (RuntimeException | ReflectiveOperationException e) {
                if (e instanceof java.lang.reflect.InaccessibleObjectException && UNREADABLE.add(kind.getClass())) {
                    LOG.log(Level.INFO, "cannot look for " + kind.description() + " that unloaded workers leave: "
                            + e.getMessage() + ". The host's jar opens what it reads (its manifest's Add-Opens);"
                            + " on a plain classpath, pass the same --add-opens options to java");
                } else if (!(e instanceof java.lang.reflect.InaccessibleObjectException)) {
                    LOG.log(Level.WARNING, "[" + worker + "] looking for " + kind.description() + " it left failed: " + e);
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "[" + worker + "] looking for " + kind.description() + " it left failed: " + e);
            }
        }
    }
}
