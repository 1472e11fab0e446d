package io.jworkers.runtime.testing;

import io.jworkers.api.WorkerEntrypoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Worker fixtures: real sources under {@code src/test/fixtures/NAME}, compiled here with
 * {@code javax.tools} against the API only, into class folders and jars that the tests load with
 * real worker class loaders. The fixtures are not on the test classpath, so nothing of them is
 * visible to the host except through a worker loader.
 */
public final class Fixtures {

    private static final Path SOURCES = Path.of("src/test/fixtures").toAbsolutePath();
    private static final Path OUTPUT = createOutputDir();
    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /**
     * Compiles a fixture once per test run.
     *
     * @param fixture the folder name under {@code src/test/fixtures}
     * @param classpath extra jars or folders it compiles against (besides the API)
     * @return the folder of its classes
     */
    public static Path classes(String fixture, Path... classpath) {
        return classes(fixture, List.of(classpath));
    }

    /**
     * Compiles a fixture once per test run, against libraries such as {@link FixtureLibs#jars}.
     *
     * @param fixture the folder name under {@code src/test/fixtures}
     * @param classpath extra jars or folders it compiles against (besides the API)
     * @return the folder of its classes
     */
    public static Path classes(String fixture, List<Path> classpath) {
        return COMPILED.computeIfAbsent(fixture, name -> compile(name, List.copyOf(classpath)));
    }

    /**
     * Compiles a fixture and packs its classes as a jar.
     *
     * @param fixture the folder name under {@code src/test/fixtures}
     * @return the jar
     */
    public static synchronized Path jar(String fixture) {
        Path jar = OUTPUT.resolve(fixture + ".jar");
        if (Files.exists(jar)) {
            return jar;
        }
        Path classes = classes(fixture);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /**
     * Where the API classes are: the only thing a fixture compiles against.
     *
     * @return the API's jar or class folder
     */
    public static Path apiLocation() {
        try {
            return Path.of(WorkerEntrypoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path compile(String fixture, List<Path> extraClasspath) {
        Path source = SOURCES.resolve(fixture);
        Path out = OUTPUT.resolve(fixture);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null);
                Stream<Path> walk = Files.walk(source)) {
            Files.createDirectories(out);
            List<Path> sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            List<String> classpath = new ArrayList<>();
            classpath.add(apiLocation().toString());
            extraClasspath.forEach(p -> classpath.add(p.toString()));
            List<String> options = List.of("--release", "21", "-proc:none", "-d", out.toString(),
                    "-classpath", String.join(java.io.File.pathSeparator, classpath));
            boolean ok = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                throw new IllegalStateException("Fixture " + fixture + " does not compile: " + diagnostics.getDiagnostics());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Under target/, so that test runs leave nothing behind outside the build folder.
    private static Path createOutputDir() {
        try {
            Path root = Files.createDirectories(Path.of("target", "fixtures").toAbsolutePath());
            return Files.createTempDirectory(root, "run-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
