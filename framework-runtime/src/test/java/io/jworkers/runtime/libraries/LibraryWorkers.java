package io.jworkers.runtime.libraries;

import static io.jworkers.runtime.testing.WorkerDirs.json;

import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.testing.FixtureLibs;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.WorkerDirs;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Configs and bundles of the fixture workers that bundle real libraries: the fixture's classes
 * (compiled against those libraries) and the libraries' jars on its classpath, as
 * {@code jworkers deploy} packs an application with its dependencies.
 */
final class LibraryWorkers {

    /** The libraries each fixture bundles, by fixture. */
    private static final Map<String, List<String>> LIBRARIES = Map.of(
            "jdbch2", List.of("h2"),
            "jdbcsqlite", List.of("sqlite-jdbc"),
            "julbridge", List.of("jul-to-slf4j", "slf4j-api", "logback-classic", "logback-core"),
            "kitchen", List.of("h2", "slf4j-api", "logback-classic", "logback-core", "caffeine", "guava", "failureaccess"));

    private LibraryWorkers() {
    }

    /**
     * Writes {@code work/FOLDER/worker.jsonc} for a fixture worker named as the fixture.
     *
     * @param work the parent folder
     * @param fixture the fixture, e.g. {@code kitchen}
     * @param routes the routes as JSON strings, e.g. {@code "/*"}, or none
     * @param version the VERSION var, or {@code null} for none
     * @return the config file
     */
    static Path config(Path work, String fixture, List<String> routes, String version) {
        List<Path> jars = FixtureLibs.jars(LIBRARIES.getOrDefault(fixture, List.of()).toArray(String[]::new));
        List<String> classpath = new ArrayList<>();
        classpath.add(json(Fixtures.classes(fixture, jars)));
        jars.forEach(jar -> classpath.add(json(jar)));
        String folder = fixture + (version == null ? "" : "-" + version);
        return WorkerDirs.config(work, folder, """
                { "name": "%s", "classpath": [%s], "routes": [%s]%s }
                """.formatted(fixture, String.join(", ", classpath),
                routes.stream().map(route -> "\"" + route + "\"").collect(Collectors.joining(", ")),
                version == null ? "" : ", \"vars\": { \"VERSION\": \"" + version + "\" }"));
    }

    /**
     * Packs a fixture worker as {@code jworkers deploy} does.
     *
     * @param work the parent folder
     * @param fixture the fixture
     * @param routes its routes
     * @param version its VERSION var, or {@code null}
     * @return the bundle
     */
    static Path bundle(Path work, String fixture, List<String> routes, String version) {
        Path config = config(work, fixture, routes, version);
        return WorkerBundle.write(ConfigLoader.load(config, null), config.getParent().resolveSibling(config.getParent().getFileName() + ".zip"));
    }

    /**
     * How many of some loaders are still reachable after up to 50 rounds of {@code System.gc()}.
     *
     * @param loaders weak references to them
     * @return how many are left
     */
    static int aliveAfterGc(List<WeakReference<ClassLoader>> loaders) throws InterruptedException {
        int alive = loaders.size();
        for (int round = 0; round < 50 && alive > 0; round++) {
            System.gc();
            Thread.sleep(20);
            alive = (int) loaders.stream().filter(reference -> reference.get() != null).count();
        }
        return alive;
    }

    /**
     * The names of the loaders still reachable, for a failure message.
     *
     * @param loaders weak references
     * @return e.g. {@code [kitchen, kitchen]}
     */
    static List<String> names(List<WeakReference<ClassLoader>> loaders) {
        return loaders.stream().map(WeakReference::get).filter(Objects::nonNull).map(ClassLoader::getName).toList();
    }

    /**
     * Whether a worker loader has been closed: a closed {@link java.net.URLClassLoader} finds no
     * resource any more, and a collected one is closed too.
     *
     * @param loader a weak reference to it
     * @param resource a resource it holds while open, e.g. its entrypoint's class file
     * @return whether it is closed or gone
     */
    static boolean closed(WeakReference<? extends ClassLoader> loader, String resource) {
        ClassLoader held = loader.get();
        return held == null || held.getResource(resource) == null;
    }

    /**
     * The class file of a fixture's entrypoint, {@code io/fixture/NAME/...Worker.class}: a
     * resource its loader finds until it is closed.
     *
     * @param fixture the fixture
     * @param simpleName the entrypoint's simple name
     * @return the resource name
     */
    static String entrypoint(String fixture, String simpleName) {
        return "io/fixture/" + fixture + "/" + simpleName + ".class";
    }
}
