package io.jworkers.runtime.unload;

import io.jworkers.runtime.loader.ApiOnlyClassLoader;
import io.jworkers.runtime.loader.WorkerClassLoader;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Platform threads that outlive the worker version that started them. A thread keeps its context
 * class loader, and through it every class of the version, for as long as it runs: a library's
 * pool the worker did not shut down (OkHttp's {@code TaskRunner}, kotlinx's
 * {@code DefaultDispatcher-worker-N}), or a JDK thread started lazily while the worker's code ran.
 *
 * <p>After a version unloads, JDK-owned threads found with its loader (the common pool's workers
 * and delay scheduler, the JDK's innocuous system threads) get the API-only loader instead; the
 * worker's own threads are given a moment to end, then each name still running is warned about
 * once, with what to do, as Tomcat does ("appears to have started a thread named …"). Virtual
 * threads cannot be listed; those the worker started through the framework are interrupted by
 * the version's unload.
 */
public final class LingeringThreads {

    private static final System.Logger LOG = System.getLogger("jworkers.host");
    private static final Duration POLL = Duration.ofMillis(50);

    private LingeringThreads() {
    }

    /**
     * Frees the JDK's threads from a version's loader and warns about the version's own threads
     * that are still running after {@code grace}.
     *
     * @param loader the loader of a version that stopped
     * @param grace how long its threads may take to end after {@code stop()}
     * @return the names of the threads warned about
     */
    public static List<String> release(WorkerClassLoader loader, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<Thread> own = new ArrayList<>();
        for (Thread thread : platformThreads()) {
            if (!holds(thread, loader)) {
                continue;
            }
            if (jdkOwned(thread)) {
                thread.setContextClassLoader(ApiOnlyClassLoader.shared());
                LOG.log(Level.DEBUG, "[" + loader.workerName() + "] thread \"" + thread.getName()
                        + "\" of the JDK had its context class loader; reset");
            } else {
                own.add(thread);
            }
        }
        while (own.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (Thread thread : own) {
            if (thread.isAlive()) {
                byName.merge(pattern(thread.getName()), 1, Integer::sum);
            }
        }
        byName.forEach((name, count) -> LOG.log(Level.WARNING, "[" + loader.workerName() + "] " + (count == 1
                ? "started a thread named \"" + name + "\" and did not stop it; it keeps a replaced version of the worker loaded. "
                : "started " + count + " threads named \"" + name + "\" and did not stop them; they keep a replaced version of the worker loaded. ")
                + advice(name, count)));
        return List.copyOf(byName.keySet());
    }

    /**
     * The platform threads that hold a replaced version of a worker, by worker name.
     *
     * @return worker name to the names of the threads, sorted by worker
     */
    public static Map<String, List<String>> holdingReplacedVersions() {
        Map<String, List<String>> held = new TreeMap<>();
        for (Thread thread : platformThreads()) {
            WorkerClassLoader loader = thread.getContextClassLoader() instanceof WorkerClassLoader context ? context
                    : thread.getClass().getClassLoader() instanceof WorkerClassLoader own ? own : null;
            if (loader != null && loader.retired() && thread.isAlive()) {
                held.computeIfAbsent(loader.workerName(), name -> new ArrayList<>()).add(thread.getName());
            }
        }
        return held;
    }

    private static boolean holds(Thread thread, ClassLoader loader) {
        return thread.getContextClassLoader() == loader || Leftover.definedBy(thread.getClass(), loader);
    }

    /**
     * Threads the JDK starts for the whole process, whatever code first needed them.
     *
     * @param thread a platform thread
     * @return whether it is the JDK's
     */
    static boolean jdkOwned(Thread thread) {
        if (thread.getClass().getClassLoader() != null) {
            return false;
        }
        if (thread instanceof ForkJoinWorkerThread worker) {
            return worker.getPool() == ForkJoinPool.commonPool();
        }
        String type = thread.getClass().getName();
        String name = thread.getName();
        return type.equals("jdk.internal.misc.InnocuousThread")
                || type.equals("java.util.concurrent.DelayScheduler") && name.equals("ForkJoinPool.commonPool-delayScheduler")
                || name.equals("CompletableFutureDelayScheduler");
    }

    private static List<Thread> platformThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count;
        while ((count = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        return java.util.Arrays.asList(threads).subList(0, count);
    }

    // Pool threads are numbered: one line for "DefaultDispatcher-worker-1" to "-8".
    private static String pattern(String name) {
        int end = name.length();
        while (end > 0 && Character.isDigit(name.charAt(end - 1))) {
            end--;
        }
        return end < name.length() && end > 0 ? name.substring(0, end) + "N" : name;
    }

    /**
     * What the worker's {@code stop()} should do about threads of this name.
     *
     * @param name the thread's name, numbers replaced by N
     * @param count how many
     * @return a sentence
     */
    static String advice(String name, int count) {
        if (name.startsWith("DefaultDispatcher-worker") || name.startsWith("kotlinx.coroutines")) {
            return "Call Dispatchers.shutdown() (kotlinx.coroutines) in stop().";
        }
        if (name.startsWith("OkHttp")) {
            return "Call client.dispatcher().executorService().shutdown() and client.connectionPool().evictAll()"
                    + " on each OkHttpClient in stop().";
        }
        if (name.startsWith("Okio Watchdog")) {
            return "It ends a minute after the last OkHttp call; shut the OkHttpClient down in stop().";
        }
        if (name.startsWith("pool-")) {
            return "Call shutdownNow() on the ExecutorService that runs " + (count == 1 ? "it" : "them") + " in stop().";
        }
        if (name.startsWith("Timer-")) {
            return "Call cancel() on the java.util.Timer in stop().";
        }
        if (name.startsWith("HttpClient-")) {
            return "Call close() on the java.net.http.HttpClient in stop().";
        }
        return "Stop " + (count == 1 ? "it" : "them") + " in stop().";
    }
}
