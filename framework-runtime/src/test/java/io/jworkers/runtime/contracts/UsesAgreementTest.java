package io.jworkers.runtime.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.processor.WorkerProcessor;
import io.jworkers.runtime.testing.Fixtures;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The annotation processor (reading sources) and {@link BytecodeUses} (reading class files) must
 * see the same calls, including the ones neither can see, through code that moves values around
 * the operand stack in many ways: long arithmetic, branches, loops, try/catch, lambdas, nested
 * and anonymous classes, constants from other classes.
 */
class UsesAgreementTest {

    private static final String WORKER = """
            package io.x;

            import io.jworkers.api.Env;
            import io.jworkers.api.Request;
            import io.jworkers.api.Response;
            import io.jworkers.api.Service;
            import io.jworkers.api.WorkerEntrypoint;
            import java.util.List;
            import java.util.function.Supplier;

            public class Busy extends WorkerEntrypoint {
                static final String QUEUE = "QUEUE";
                private Service kept;

                public interface Api {
                    long count(long from, double scale);

                    List<String> names();
                }

                @Override
                public Response fetch(Request request, Env env) {
                    long total = 3L * request.url().getPath().length();
                    double scale = total > 10 ? 1.5 : 2.5;
                    Service queue = env.service(Bindings.QUEUE);
                    for (int i = 0; i < 3; i++) {
                        total += env.service("COUNTER", Api.class).count(total, scale);
                        if (i == 1) {
                            queue.call("push", i, total, scale);
                        }
                    }
                    try {
                        queue.call("flush");
                    } catch (RuntimeException e) {
                        env.service("LOG").call("error", e.getMessage(), 1L, 2.0, 'c');
                    }
                    long[] sums = {total, total * 2};
                    sums[0] += sums[1]--;
                    Supplier<Object> later = () -> queue.call("later");
                    Supplier<Object> direct = () -> env.service("LAMBDA").call("direct", 1);
                    kept = env.service("FIELD");
                    kept.call("unseen");
                    new Object() {
                        Object call() {
                            return env.service(QUEUE + "_2").rpc(Api.class).names();
                        }
                    }.call();
                    String name = request.method();
                    env.service(name).call("unseen");
                    Service chosen = total > 5 ? env.service("A") : env.service("B");
                    chosen.call("unseen");
                    return Response.text(200, sums[0] + " " + later.get() + direct.get() + env.service("APP").fetch(request).status());
                }
            }
            """;

    private static final String BINDINGS = """
            package io.x;

            public final class Bindings {
                public static final String QUEUE = "QUEUE";

                private Bindings() {
                }
            }
            """;

    @Test
    void theProcessorAndTheClassFilesFindTheSameCalls(@TempDir Path sources, @TempDir Path classes) throws IOException {
        Files.createDirectories(sources.resolve("io/x"));
        Files.writeString(sources.resolve("io/x/Busy.java"), WORKER);
        Files.writeString(sources.resolve("io/x/Bindings.java"), BINDINGS);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
            JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics, List.of("--release", "21",
                    "-proc:full", "-d", classes.toString(), "-classpath", Fixtures.apiLocation().toString()), null,
                    files.getJavaFileObjectsFromPaths(List.of(sources.resolve("io/x/Busy.java"), sources.resolve("io/x/Bindings.java"))));
            task.setProcessors(List.of(new WorkerProcessor()));
            assertEquals(true, task.call(), diagnostics.getDiagnostics().toString());
        }
        RecordedUses fromManifest;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            fromManifest = ManifestUses.read(loader).orElseThrow();
        }
        RecordedUses fromClasses = BytecodeUses.read(List.of(classes));
        String expected = "contracts {COUNTER=[io.x.Busy$Api], QUEUE_2=[io.x.Busy$Api]}, calls {"
                + "LAMBDA=[DynamicCall[name=direct, arity=1]], "
                + "LOG=[DynamicCall[name=error, arity=4]], "
                + "QUEUE=[DynamicCall[name=flush, arity=0], DynamicCall[name=push, arity=3]]}";
        assertEquals(expected, fromClasses.toString());
        assertEquals(expected, fromManifest.toString());
    }
}
