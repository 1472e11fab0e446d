package io.jworkers.runtime.unload;

import io.jworkers.runtime.loader.ApiOnlyClassLoader;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a host does to the JVM once, before any worker loads, so that JVM-wide things the JDK
 * starts lazily are started by the host and not by whichever worker comes first (which would
 * tie them to that worker's loader for the life of the process). The same idea as Tomcat's
 * {@code JreMemoryLeakPreventionListener}.
 *
 * <ul>
 *   <li>{@code DriverManager} finds its drivers with a context loader that sees no worker's jars;
 *       workers' drivers are registered per version by {@link JdbcDrivers}.</li>
 *   <li>The delay scheduler of {@code CompletableFuture.delayedExecutor} (the common pool's, on
 *       JDK 25) is started with the same loader: a worker that started it would stay in memory.</li>
 *   <li>The default uncaught exception handler the host had is remembered, for
 *       {@link Leftovers} to put back when a worker replaced it.</li>
 * </ul>
 */
public final class HostJvm {

    private static volatile Thread.UncaughtExceptionHandler hostHandler;
    private static boolean prepared;

    private HostJvm() {
    }

    /** Prepares the JVM; runs once per process, later calls do nothing. */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        hostHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ApiOnlyClassLoader.shared());
        try {
            DriverManager.getDrivers();
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, TimeUnit.NANOSECONDS)).join();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The default uncaught exception handler before any worker ran.
     *
     * @return the handler, or {@code null} when there was none
     */
    static Thread.UncaughtExceptionHandler hostHandler() {
        return hostHandler;
    }
}
