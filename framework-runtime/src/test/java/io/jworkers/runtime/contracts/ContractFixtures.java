package io.jworkers.runtime.contracts;

import io.jworkers.processor.WorkerProcessor;
import io.jworkers.runtime.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The contract fixtures ({@code src/test/fixtures/contracts-*}) compiled twice: as a worker module
 * with the annotation processor builds them (a manifest with {@code "uses"}), and without it
 * (class files only), so that both ways of reading a worker's uses meet the same code.
 */
final class ContractFixtures {

    private static final Path SOURCES = Path.of("src/test/fixtures").toAbsolutePath();
    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();

    private ContractFixtures() {
    }

    /** The fixture's classes, compiled with the processor. */
    static Path withProcessor(String fixture) {
        return COMPILED.computeIfAbsent(fixture + "+processor", key -> compile(fixture, true));
    }

    /** The fixture's classes, compiled without any processor. */
    static Path withoutProcessor(String fixture) {
        return COMPILED.computeIfAbsent(fixture, key -> compile(fixture, false));
    }

    private static Path compile(String fixture, boolean processor) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null);
                Stream<Path> walk = Files.walk(SOURCES.resolve(fixture))) {
            Path out = Files.createTempDirectory(Files.createDirectories(Path.of("target", "fixtures").toAbsolutePath()),
                    fixture + (processor ? "-processed-" : "-plain-"));
            List<Path> sources = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            List<String> options = List.of("--release", "21", processor ? "-proc:full" : "-proc:none", "-d", out.toString(),
                    "-classpath", Fixtures.apiLocation().toString());
            JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources));
            if (processor) {
                task.setProcessors(List.of(new WorkerProcessor()));
            }
            if (!task.call()) {
                throw new IllegalStateException("Fixture " + fixture + " does not compile: " + diagnostics.getDiagnostics());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
