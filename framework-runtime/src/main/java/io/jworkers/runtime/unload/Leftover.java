package io.jworkers.runtime.unload;

import java.util.List;

/**
 * One kind of JVM-wide registry that worker code can put its own objects in, which would keep a
 * replaced version's loader (and every class it loaded) in memory for the life of the process.
 */
interface Leftover {

    /**
     * What this kind is, for messages: "shutdown hooks".
     *
     * @return a noun phrase
     */
    String description();

    /**
     * Removes what objects of classes the loader defined left in this registry.
     *
     * @param loader the loader of a version that no longer runs
     * @return what was removed, each as the text after "left " in the log line, e.g.
     *     {@code a java.util.logging handler org.slf4j.bridge.SLF4JBridgeHandler on the root logger}
     * @throws Exception if the registry cannot be read; the other kinds are still cleaned
     */
    List<String> removeFrom(ClassLoader loader) throws Exception;

    /**
     * Whether a class belongs to a loader: it was defined there (lambdas and anonymous classes
     * included, as they share their outer class's loader).
     *
     * @param type a class, may be {@code null}
     * @param loader the loader
     * @return {@code true} when the loader defined it
     */
    static boolean definedBy(Class<?> type, ClassLoader loader) {
        return type != null && type.getClassLoader() == loader;
    }
}
