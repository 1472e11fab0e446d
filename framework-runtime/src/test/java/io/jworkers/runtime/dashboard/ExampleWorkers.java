package io.jworkers.runtime.dashboard;

import io.jworkers.processor.WorkerProcessor;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.WorkerDirs;
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
 * The repository's three example workers (example-gateway, example-auth, example-application),
 * compiled from their sources with the annotation processor as their modules build them: the
 * examples build after this module, so their target/classes cannot be relied on here.
 */
final class ExampleWorkers {

    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root", "..")).toAbsolutePath().normalize();
    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();

    private ExampleWorkers() {
    }

    /**
     * Configs of the three examples as {@code jworkers dev} runs them: the gateway first (the
     * primary), auth with its {@code SECRET_TOKEN} in {@code .dev.vars}, the application.
     *
     * @param work the folder to write them in
     * @param secretToken auth's secret
     * @return the configs, primary first
     */
    static List<Path> devConfigs(Path work, String secretToken) {
        Path gateway = gatewayConfig(work);
        Path auth = WorkerDirs.config(work, "auth", """
                { "name": "auth", "classpath": [%s], "secrets": { "required": ["SECRET_TOKEN"] } }
                """.formatted(WorkerDirs.json(classes("auth"))));
        WorkerDirs.write(auth.resolveSibling(".dev.vars"), "SECRET_TOKEN=" + secretToken + "\n");
        Path application = WorkerDirs.config(work, "application", """
                { "name": "application", "classpath": [%s], "vars": { "GREETING": "Hello from dev", "MAX_NOTE_LENGTH": 280 } }
                """.formatted(WorkerDirs.json(classes("application"))));
        return List.of(gateway, auth, application);
    }

    /**
     * The gateway's config as example-gateway/worker.jsonc has it: the public route and its three
     * bindings (AUTH, APPLICATION, and APPLICATION_ADMIN to the application's Admin entrypoint).
     *
     * @param work the folder to write it in
     * @return the config
     */
    static Path gatewayConfig(Path work) {
        return WorkerDirs.config(work, "gateway", """
                { "name": "gateway", "classpath": [%s], "routes": ["/*"],
                  "services": [
                    { "binding": "AUTH", "service": "auth" },
                    { "binding": "APPLICATION", "service": "application" },
                    { "binding": "APPLICATION_ADMIN", "service": "application", "entrypoint": "Admin", "props": { "caller": "gateway" } }
                  ] }
                """.formatted(WorkerDirs.json(classes("gateway"))));
    }

    /** The classes of {@code example-NAME}. */
    static Path classes(String name) {
        return COMPILED.computeIfAbsent(name, ExampleWorkers::compile);
    }

    private static Path compile(String name) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null);
                Stream<Path> walk = Files.walk(REPO.resolve("example-" + name).resolve("src/main/java"))) {
            Path out = Files.createTempDirectory(Files.createDirectories(Path.of("target", "fixtures").toAbsolutePath()),
                    "example-" + name + "-");
            List<Path> sources = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            List<String> options = List.of("--release", "21", "-proc:full", "-d", out.toString(), "-classpath",
                    Fixtures.apiLocation().toString());
            JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources));
            task.setProcessors(List.of(new WorkerProcessor()));
            if (!task.call()) {
                throw new IllegalStateException("example-" + name + " does not compile: " + diagnostics.getDiagnostics());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
