package io.jworkers.benchmarks;

import io.jworkers.api.WorkerEntrypoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The benchmark workers: their sources ship as resources under {@code workers/NAME/} (from
 * {@code src/main/workers}), never as classes on the benchmark's classpath, and are compiled here
 * with {@code javax.tools} against the API only, into a temp folder that a real worker class
 * loader then loads. This is the approach of the runtime's test {@code Fixtures}.
 */
final class WorkerSources {

    private WorkerSources() {
    }

    /**
     * Compiles one worker's sources.
     *
     * @param worker the folder name under {@code src/main/workers}
     * @param into the folder to put the sources and classes in
     * @return the folder of its classes
     */
    static Path compile(String worker, Path into) {
        Path sources = into.resolve("src").resolve(worker);
        Path classes = into.resolve("classes").resolve(worker);
        copySources(worker, sources);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("The benchmarks compile their workers at setup and need a JDK, not a JRE: "
                    + System.getProperty("java.home"));
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null);
                Stream<Path> walk = Files.walk(sources)) {
            Files.createDirectories(classes);
            List<Path> javaFiles = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            List<String> options = List.of("--release", "21", "-proc:none", "-d", classes.toString(),
                    "-classpath", apiLocation().toString());
            boolean ok = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(javaFiles)).call();
            if (!ok) {
                throw new IllegalStateException("Benchmark worker " + worker + " does not compile: "
                        + diagnostics.getDiagnostics());
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where the API classes are (a jar or a class folder); the workers compile against it.
     *
     * @return the location
     */
    static Path apiLocation() {
        try {
            return Path.of(WorkerEntrypoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // Copies workers/NAME/** from the classpath (a folder in the build, or the uber-jar) to a folder.
    private static void copySources(String worker, Path target) {
        String resource = "workers/" + worker;
        URL url = WorkerSources.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("No worker sources " + resource + " on the classpath");
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem jar;
                boolean opened;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                    opened = true;
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                    opened = false;
                }
                try {
                    copyTree(jar.provider().getPath(uri), target);
                } finally {
                    if (opened) {
                        jar.close();
                    }
                }
            } else {
                copyTree(Path.of(uri), target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(from)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path file : files) {
            Path target = to.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
        }
    }
}
