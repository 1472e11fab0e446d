package io.jworkers.runtime.unload;

import io.jworkers.runtime.loader.ApiOnlyClassLoader;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The thread factory of {@link ForkJoinPool#commonPool()} in a host: its threads carry the
 * API-only loader as context class loader. The JDK's default gives them the system class loader,
 * which in the host's jar is the host itself: a worker's {@code supplyAsync}, parallel stream or
 * Caffeine load would find Helidon's and the host's Jackson's classes and service files there.
 *
 * <p>The JDK reads the factory's class name from the system property
 * {@value #PROPERTY} when the common pool is first used; {@code jworkers} sets it at start-up.
 * Thread locals are cleared after each task, as the JDK's own common-pool threads do, so worker
 * code cannot leave values behind on a shared thread.
 */
public final class CommonPoolThreads implements ForkJoinPool.ForkJoinWorkerThreadFactory {

    /** The system property the JDK reads the common pool's thread factory from. */
    public static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.threadFactory";

    /** Creates the factory; the JDK calls this once, by reflection. */
    public CommonPoolThreads() {
    }

    /**
     * Asks the JDK to use this factory for the common pool, unless something else was asked for.
     * It must run before anything in the process touches the common pool.
     */
    public static void install() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, CommonPoolThreads.class.getName());
        }
    }

    /**
     * Whether the common pool's threads come from this factory in this process.
     *
     * @return {@code true} when the property was read in time
     */
    public static boolean installed() {
        return ForkJoinPool.commonPool().getFactory() instanceof CommonPoolThreads;
    }

    @Override
    public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
        return new Worker(pool);
    }

    private static final class Worker extends ForkJoinWorkerThread {
        Worker(ForkJoinPool pool) {
            super(null, pool, false);
            setContextClassLoader(ApiOnlyClassLoader.shared());
        }
    }
}
