package io.jworkers.processor;

import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.bridge.EntrypointRules;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles in-memory sources against the worker API with {@link WorkerProcessor} (and any extra
 * processors), with the lint options of the project's own builds: {@code -Xlint:processing} is off
 * there too, since it warns about every annotation no processor claims and this one claims none.
 */
final class TestCompiler {

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile("\\b(?:class|record|interface|enum)\\s+(\\w+)");

    /** What one compilation reported and wrote. */
    record Result(List<Diagnostic<? extends JavaFileObject>> diagnostics, Path output, String compilerOutput) {

        /** Every diagnostic but notes, as "KIND line: message", in the order reported. */
        List<String> reported() {
            return diagnostics.stream()
                    .filter(d -> d.getKind() != Diagnostic.Kind.NOTE)
                    .map(d -> d.getKind() + " " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .toList();
        }

        /** The notes reported on a source line, as "line: message", in the order reported. */
        List<String> notes() {
            return diagnostics.stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.NOTE && d.getLineNumber() > 0)
                    .map(d -> d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .toList();
        }

        Optional<String> manifest() throws IOException {
            Path file = output.resolve(EntrypointRules.MANIFEST);
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        }
    }

    private TestCompiler() {
    }

    /** Runs only annotation processing: the rules need no class files. */
    static Result process(Path output, String... sources) {
        return compile(output, List.of(), List.of("-proc:only"), List.of(), sources);
    }

    /** A full compile: the sources must also be valid Java. */
    static Result compileFully(Path output, List<Processor> extraProcessors, String... sources) {
        return compile(output, List.of(), List.of("-proc:full"), extraProcessors, sources);
    }

    /** A full compile against classes compiled before, as a worker compiles against a library of base classes. */
    static Result compileFully(Path output, Path classes, String... sources) {
        return compile(output, List.of(classes), List.of("-proc:full"), List.of(), sources);
    }

    private static Result compile(Path output, List<Path> classpath, List<String> mode, List<Processor> extraProcessors,
            String... sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> path = new ArrayList<>(List.of(apiClasses().toString()));
        classpath.forEach(entry -> path.add(entry.toString()));
        List<String> options = new ArrayList<>(List.of("--release", "21",
                "-classpath", String.join(File.pathSeparator, path),
                "-d", output.toString(), "-Xlint:all,-processing"));
        options.addAll(mode);
        List<JavaFileObject> files = new ArrayList<>();
        for (String source : sources) {
            files.add(new Source(source));
        }
        StringWriter compilerOutput = new StringWriter();
        JavaCompiler.CompilationTask task = compiler.getTask(compilerOutput, null, diagnostics, options, null, files);
        List<Processor> processors = new ArrayList<>(extraProcessors);
        processors.add(new WorkerProcessor());
        task.setProcessors(processors);
        task.call();
        return new Result(diagnostics.getDiagnostics(), output, compilerOutput.toString());
    }

    private static Path apiClasses() {
        try {
            return Path.of(WorkerEntrypoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source held in memory, named after its package and first declared type as javac requires of public types. */
    static final class Source extends SimpleJavaFileObject {

        private final String text;

        Source(String text) {
            super(URI.create("string:///" + path(text)), Kind.SOURCE);
            this.text = text;
        }

        private static String path(String text) {
            Matcher packageName = PACKAGE.matcher(text);
            Matcher type = TYPE.matcher(text);
            if (!type.find()) {
                throw new IllegalArgumentException("no type declared in " + text);
            }
            String folder = packageName.find() ? packageName.group(1).replace('.', '/') + "/" : "";
            return folder + type.group(1) + ".java";
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
