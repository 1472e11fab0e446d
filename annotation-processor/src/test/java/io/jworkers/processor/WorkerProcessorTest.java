package io.jworkers.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.bridge.EntrypointRules;
import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerProcessorTest {

    private static final String STREAM = "a stream is not a value; send it as a Request or Response body";
    private static final String CODE = "a lambda or function is code, not a value";

    @TempDir
    Path output;

    @Test
    void anEntrypointThatIsNotPublicOrANonStaticNestedClassIsRefused() throws IOException {
        TestCompiler.Result result = TestCompiler.process(output, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                class Hidden extends WorkerEntrypoint {
                }
                """, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public class Outer {
                    public class Inner extends WorkerEntrypoint {
                    }

                    private static class Secret extends WorkerEntrypoint {
                    }

                    public static class Fine extends WorkerEntrypoint {
                    }
                }
                """);
        assertEquals(List.of(
                "ERROR 5: " + EntrypointRules.notPublic("io.x.Hidden"),
                "ERROR 6: " + EntrypointRules.notPublic("io.x.Outer$Inner"),
                "ERROR 9: " + EntrypointRules.notPublic("io.x.Outer$Secret")), result.reported());
        assertEquals(Optional.empty(), result.manifest());
    }

    @Test
    void anAbstractClassAnnotatedEntrypointIsRefusedWhileAPlainAbstractBaseIsNot() throws IOException {
        TestCompiler.Result result = TestCompiler.process(output, """
                package io.x;

                import io.jworkers.api.Entrypoint;
                import io.jworkers.api.WorkerEntrypoint;

                @Entrypoint("Admin")
                public abstract class AdminWorker extends WorkerEntrypoint {
                }
                """, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                abstract class Base extends WorkerEntrypoint {
                    Base(String notAWorkerConstructor) {
                    }

                    public void same() {
                    }

                    public void same(int overload) {
                    }
                }
                """);
        assertEquals(List.of("ERROR 7: " + EntrypointRules.abstractEntrypoint("io.x.AdminWorker")), result.reported());
    }

    @Test
    void anEntrypointWithoutAPublicNoArgumentConstructorIsRefused() {
        TestCompiler.Result result = TestCompiler.process(output, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public class Configured extends WorkerEntrypoint {
                    public Configured(String setting) {
                    }
                }
                """, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public class Guarded extends WorkerEntrypoint {
                    Guarded() {
                    }
                }
                """, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public class Implicit extends WorkerEntrypoint {
                }
                """);
        assertEquals(List.of(
                "ERROR 5: " + EntrypointRules.noPublicNoArgConstructor("io.x.Configured"),
                "ERROR 6: " + EntrypointRules.noPublicNoArgConstructor("io.x.Guarded")), result.reported());
    }

    @Test
    void publicMethodsSharingANameAreRefusedCountingInheritedOnesAndOverridesOnce() {
        TestCompiler.Result result = TestCompiler.process(output, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public abstract class Base extends WorkerEntrypoint {
                    public int add(int a) {
                        return a;
                    }

                    public String get() {
                        return "";
                    }
                }
                """, """
                package io.x;

                import io.jworkers.api.Env;
                import io.jworkers.api.Request;
                import io.jworkers.api.Response;

                public class Calculator extends Base {
                    @Override
                    public String get() {
                        return "overridden, so still one get";
                    }

                    public int add(int a, int b) {
                        return a + b;
                    }

                    public long add(long... values) {
                        return 0;
                    }

                    public static int add(int a, int b, int c) {
                        return a + b + c;
                    }

                    @Override
                    public void start() {
                    }

                    public void start(int lifecycleNamesAreNotRpc) {
                    }

                    @Override
                    public Response fetch(Request request, Env env) {
                        return Response.text(200, "ok");
                    }
                }
                """);
        assertEquals(List.of("ERROR 7: " + EntrypointRules.duplicateMethodName("io.x.Calculator", "add", 3)), result.reported());
    }

    @Test
    void aPublicFetchWithAnotherSignatureIsRefused() {
        TestCompiler.Result result = TestCompiler.process(output, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public abstract class Base extends WorkerEntrypoint {
                    public String fetch(java.util.List<String> urls, int limit) {
                        return "";
                    }
                }
                """, """
                package io.x;

                import io.jworkers.api.Env;
                import io.jworkers.api.Request;
                import io.jworkers.api.Response;

                public class Fetcher extends Base {
                    @Override
                    public Response fetch(Request request, Env env) {
                        return Response.text(200, "ok");
                    }

                    public Response fetch(String url) {
                        return Response.text(200, url);
                    }

                    public static Response fetch(int staticIsNotCallable) {
                        return Response.text(200, "");
                    }
                }
                """);
        assertEquals(List.of(
                "ERROR 13: " + EntrypointRules.fetchSignature("io.x.Fetcher", "fetch(java.lang.String)"),
                "ERROR 7: " + EntrypointRules.fetchSignature("io.x.Fetcher", "fetch(java.util.List<java.lang.String>, int)")),
                result.reported());
    }

    @Test
    void rpcParameterAndReturnTypesThatCannotCrossAreRefusedThroughTypeArgumentsArraysAndRecords() {
        TestCompiler.Result result = TestCompiler.process(output, """
                package io.x;

                import java.util.function.Supplier;

                public record Job(String id, Supplier<String> task) {
                }
                """, """
                package io.x;

                import java.util.List;

                public record Tree(String label, List<Tree> children) {
                }
                """, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;
                import java.util.concurrent.Executor;

                public abstract class Base extends WorkerEntrypoint {
                    public Executor executor() {
                        return Runnable::run;
                    }
                }
                """, """
                package io.x;

                import java.io.FileInputStream;
                import java.io.InputStream;
                import java.util.List;
                import java.util.Map;

                public class Jobs extends Base {
                    public void run(Thread thread) {
                    }

                    public void runAll(String name, List<Thread> threads, Map<String, Runnable> tasks, Runnable[] more) {
                    }

                    public void submit(Job job) {
                    }

                    public <T extends Runnable> void later(T task) {
                    }

                    public Tree tree(Tree tree) {
                        return tree;
                    }

                    public InputStream open() {
                        return null;
                    }

                    public FileInputStream openFile() {
                        return null;
                    }

                    public static Thread staticIsNotRpc() {
                        return null;
                    }

                    @Override
                    protected void start() {
                    }
                }
                """);
        String jobs = "io.x.Jobs";
        assertEquals(List.of(
                "ERROR 9: " + EntrypointRules.cannotCross(jobs, "run", "parameter 1", "java.lang.Thread",
                        "a thread belongs to the worker that started it"),
                "ERROR 12: " + EntrypointRules.cannotCross(jobs, "runAll", "parameter 2", "java.util.List<java.lang.Thread>",
                        "a thread belongs to the worker that started it"),
                "ERROR 12: " + EntrypointRules.cannotCross(jobs, "runAll", "parameter 3",
                        "java.util.Map<java.lang.String, java.lang.Runnable>", CODE),
                "ERROR 12: " + EntrypointRules.cannotCross(jobs, "runAll", "parameter 4", "java.lang.Runnable[]", CODE),
                "ERROR 15: " + EntrypointRules.cannotCross(jobs, "submit", "parameter 1", "io.x.Job", CODE),
                "ERROR 18: " + EntrypointRules.cannotCross(jobs, "later", "parameter 1", "T", CODE),
                "ERROR 25: " + EntrypointRules.cannotCross(jobs, "open", "the return value", "java.io.InputStream", STREAM),
                "ERROR 29: " + EntrypointRules.cannotCross(jobs, "openFile", "the return value", "java.io.FileInputStream", STREAM),
                "ERROR 8: " + EntrypointRules.cannotCross(jobs, "executor", "the return value", "java.util.concurrent.Executor",
                        "an executor runs code; pass data, not code")),
                result.reported());
    }

    @Test
    void twoEntrypointsWithOneNameAreRefused() {
        TestCompiler.Result result = TestCompiler.process(output, """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public class Admin extends WorkerEntrypoint {
                }
                """, """
                package io.x;

                import io.jworkers.api.Entrypoint;
                import io.jworkers.api.WorkerEntrypoint;

                @Entrypoint("Admin")
                public class Console extends WorkerEntrypoint {
                }
                """);
        assertEquals(List.of("ERROR 7: " + EntrypointRules.duplicateEntrypointName("Admin", "io.x.Admin", "io.x.Console")),
                result.reported());
    }

    @Test
    void aValidWorkerCompilesWithoutDiagnosticsAndItsManifestListsEveryEntrypointWithItsRpcMethods() throws IOException {
        TestCompiler.Result result = TestCompiler.compileFully(output, List.of(), VALID_WORKER, ADMIN_WORKER, POINT, STATS);
        assertEquals(List.of(), result.reported(), result.compilerOutput());
        assertEquals(Optional.of(VALID_MANIFEST), result.manifest());
    }

    @Test
    void entrypointsFromEveryRoundGoIntoOneManifest() throws IOException {
        TestCompiler.Result result = TestCompiler.compileFully(output, List.of(new GeneratesAWorker()), VALID_WORKER, ADMIN_WORKER, POINT, STATS);
        assertEquals(List.of(), result.reported(), result.compilerOutput());
        String generated = "{\"class\":\"io.x.GeneratedWorker\",\"name\":\"GeneratedWorker\",\"methods\":["
                + "{\"name\":\"hello\",\"parameters\":[\"java.lang.String\"],\"returns\":\"java.lang.String\"}]}";
        assertEquals(Optional.of(VALID_MANIFEST.replace("]}],\"uses\"", "]}," + generated + "],\"uses\"")), result.manifest());
    }

    @Test
    void baseClassesAndRecordsFromClassFilesAreCheckedAsSourcesAre(@TempDir Path library) throws IOException {
        TestCompiler.Result base = TestCompiler.compileFully(library, List.of(), """
                package io.lib;

                import io.jworkers.api.WorkerEntrypoint;
                import java.util.List;

                public abstract class LibraryWorker<T> extends WorkerEntrypoint {
                    public List<T> all() {
                        return List.of();
                    }

                    public void handle(Task task) {
                    }
                }
                """, """
                package io.lib;

                public record Task(String name, Runnable action) {
                }
                """);
        assertEquals(List.of(), base.reported());
        assertEquals(Optional.empty(), base.manifest());

        TestCompiler.Result result = TestCompiler.compileFully(output, library, """
                package io.x;

                import io.lib.LibraryWorker;

                public class Scheduler extends LibraryWorker<Thread> {
                    public int count() {
                        return 0;
                    }
                }
                """);
        assertEquals(List.of(
                "ERROR 5: " + EntrypointRules.cannotCross("io.x.Scheduler", "all", "the return value",
                        "java.util.List<java.lang.Thread>", "a thread belongs to the worker that started it"),
                "ERROR 5: " + EntrypointRules.cannotCross("io.x.Scheduler", "handle", "parameter 1", "io.lib.Task", CODE)),
                result.reported());
    }

    @Test
    void overridesOfObjectMethodsAreNeitherRpcMethodsNorDuplicates() throws IOException {
        TestCompiler.Result result = TestCompiler.compileFully(output, List.of(), """
                package io.x;

                import io.jworkers.api.WorkerEntrypoint;

                public class Named extends WorkerEntrypoint {
                    @Override
                    public String toString() {
                        return "named";
                    }

                    public String toString(int radix) {
                        return Integer.toString(7, radix);
                    }

                    @Override
                    public boolean equals(Object other) {
                        return other == this;
                    }

                    @Override
                    public int hashCode() {
                        return 1;
                    }
                }
                """);
        assertEquals(List.of(), result.reported());
        assertEquals(Optional.of("{\"version\":1,\"entrypoints\":[{\"class\":\"io.x.Named\",\"name\":\"Named\","
                + "\"methods\":[{\"name\":\"toString\",\"parameters\":[\"int\"],\"returns\":\"java.lang.String\"}]}],\"uses\":[]}\n"),
                result.manifest());
    }

    @Test
    void noManifestIsWrittenWithoutEntrypoints() throws IOException {
        TestCompiler.Result result = TestCompiler.compileFully(output, List.of(), """
                package io.x;

                public record Point(int x, int y) {
                }
                """);
        assertEquals(List.of(), result.reported());
        assertEquals(Optional.empty(), result.manifest());
    }

    @Test
    void theCompilerFindsTheProcessorOnItsPath() {
        assertTrue(ServiceLoader.load(Processor.class).stream().anyMatch(p -> p.type() == WorkerProcessor.class));
        assertEquals(SourceVersion.latestSupported(), new WorkerProcessor().getSupportedSourceVersion());
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001é\"", WorkerManifest.string("a\"b\\c\n\u0001é"));
    }

    private static final String VALID_WORKER = """
            package io.x;

            import io.jworkers.api.Env;
            import io.jworkers.api.Request;
            import io.jworkers.api.Response;
            import io.jworkers.api.WorkerEntrypoint;
            import java.util.List;

            public final class ApplicationWorker extends BaseWorker {

                @Override
                public Response fetch(Request request, Env env) {
                    return Response.text(200, "ok");
                }

                public Stats stats(int limit, List<Point> points) {
                    return new Stats(points.size(), points.subList(0, Math.min(limit, points.size())));
                }

                public List<Point> points() {
                    return List.of(new Point(1, 2));
                }

                public static String notRpc() {
                    return "";
                }

                @Override
                protected void start() {
                }

                /** A nested entrypoint is named by its binary name. */
                public static final class Health extends WorkerEntrypoint {
                    public boolean ok() {
                        return true;
                    }
                }
            }

            abstract class BaseWorker extends WorkerEntrypoint {
                public String version() {
                    return "1";
                }

                protected void helper() {
                }
            }

            """;

    private static final String POINT = """
            package io.x;

            public record Point(int x, int y) {
            }
            """;

    private static final String STATS = """
            package io.x;

            import java.util.List;

            public record Stats(int count, List<Point> sample) {
            }
            """;

    private static final String ADMIN_WORKER = """
            package io.x;

            import io.jworkers.api.Entrypoint;
            import io.jworkers.api.WorkerEntrypoint;
            import java.util.Map;

            @Entrypoint("Admin")
            public final class AdminWorker extends WorkerEntrypoint {
                public AdminWorker() {
                }

                public Map<String, Integer> counts() {
                    return Map.of();
                }

                public void reset(String[] keys, Point... points) {
                }
            }
            """;

    private static final String VALID_MANIFEST = "{\"version\":1,\"entrypoints\":["
            + "{\"class\":\"io.x.AdminWorker\",\"name\":\"Admin\",\"methods\":["
            + "{\"name\":\"counts\",\"parameters\":[],\"returns\":\"java.util.Map<java.lang.String, java.lang.Integer>\"},"
            + "{\"name\":\"reset\",\"parameters\":[\"java.lang.String[]\",\"io.x.Point[]\"],\"returns\":\"void\"}]},"
            + "{\"class\":\"io.x.ApplicationWorker\",\"name\":\"ApplicationWorker\",\"methods\":["
            + "{\"name\":\"points\",\"parameters\":[],\"returns\":\"java.util.List<io.x.Point>\"},"
            + "{\"name\":\"stats\",\"parameters\":[\"int\",\"java.util.List<io.x.Point>\"],\"returns\":\"io.x.Stats\"},"
            + "{\"name\":\"version\",\"parameters\":[],\"returns\":\"java.lang.String\"}]},"
            + "{\"class\":\"io.x.ApplicationWorker$Health\",\"name\":\"Health\",\"methods\":["
            + "{\"name\":\"ok\",\"parameters\":[],\"returns\":\"boolean\"}]}"
            + "],\"uses\":[]}\n";

    /** Generates a worker in the first round, as Lombok, Dagger or AutoValue-style processors generate classes. */
    @SupportedAnnotationTypes("*")
    static final class GeneratesAWorker extends AbstractProcessor {

        private boolean generated;

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (generated) {
                return false;
            }
            generated = true;
            try (Writer out = processingEnv.getFiler().createSourceFile("io.x.GeneratedWorker").openWriter()) {
                out.write("""
                        package io.x;

                        public class GeneratedWorker extends io.jworkers.api.WorkerEntrypoint {
                            public String hello(String name) {
                                return "hello " + name;
                            }
                        }
                        """);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return false;
        }
    }
}
