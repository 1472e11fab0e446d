package io.jworkers.testing;

import io.jworkers.api.WorkerEntrypoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Worker fixtures: real sources under {@code src/test/fixtures/NAME}, compiled against the API
 * alone into {@code target/fixture-workers/NAME/classes}, beside their configs. They are
 * not on the test classpath: the host loads them in isolated worker loaders, as a user's workers.
 */
final class FixtureWorkers {

    private static final Path SOURCES = Path.of("src/test/fixtures").toAbsolutePath();
    private static final Path OUTPUT = Path.of("target/fixture-workers").toAbsolutePath();
    private static final java.util.Set<String> COMPILED = new java.util.HashSet<>();

    private FixtureWorkers() {
    }

    /**
     * Compiles a fixture (once per JVM) and writes its config.
     *
     * @param fixture the folder under {@code src/test/fixtures}
     * @param jsonc the config, with {@code "classpath": ["classes"]} added by this method
     * @return the config file
     */
    static synchronized Path config(String fixture, String jsonc) {
        Path folder = OUTPUT.resolve(fixture);
        classes(fixture);
        String config = jsonc.strip();
        config = "{ \"classpath\": [\"classes\"], " + config.substring(1);
        // One file per distinct config, so tests that configure a fixture differently never share one.
        String file = "worker-" + Integer.toHexString(config.hashCode()) + ".jsonc";
        try {
            return Files.writeString(folder.resolve(file), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The folder a fixture's classes are compiled into.
     *
     * @param fixture the fixture
     * @return the folder, compiled now if no test compiled it yet
     */
    static synchronized Path classes(String fixture) {
        Path classes = OUTPUT.resolve(fixture).resolve("classes");
        if (COMPILED.add(fixture)) {
            compile(SOURCES.resolve(fixture), classes);
        }
        return classes;
    }

    private static void compile(Path source, Path out) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null);
                Stream<Path> walk = Files.walk(source)) {
            deleteRecursively(out);
            Files.createDirectories(out);
            List<Path> sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            List<String> options = List.of("--release", "21", "-proc:none", "-d", out.toString(),
                    "-classpath", apiLocation().toString());
            if (!compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call()) {
                throw new IllegalStateException("Fixture " + source + " does not compile: " + diagnostics.getDiagnostics());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> all = Files.walk(folder)) {
                for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static Path apiLocation() {
        try {
            return Path.of(WorkerEntrypoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
