package io.jworkers.runtime.cli;

import io.jworkers.runtime.config.NameRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code jworkers init NAME}: a new worker module in the folder NAME, a Maven project with an
 * entrypoint (a fetch and one RPC method), its {@code worker.jsonc} and a test that runs it with
 * the testing extension. The versions of jworkers, JUnit and the Maven plugins are those of this
 * build, so the module builds with what this checkout installed.
 *
 * <p>The module gets this checkout's Maven wrapper, which finds a JDK 21+ by itself: it builds
 * with {@code ./mvnw} on a machine whose default {@code java} is older and that has no Maven, and
 * its {@code worker.jsonc} has a {@code build} that {@code jworkers dev} and {@code deploy} run.
 */
final class InitCommand {

    private static final String TEMPLATES = "/io/jworkers/runtime/init/";
    /** Copied from the repository's root by the build (see framework-runtime's pom). */
    private static final String WRAPPER = "wrapper/";
    private static final Pattern PACKAGE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");

    private final PrintStream out;
    private final Path workingDir;

    InitCommand(PrintStream out, Path workingDir) {
        this.out = out;
        this.workingDir = workingDir;
    }

    static String usage() {
        return """
                Usage: jworkers init NAME [--package PACKAGE]

                Creates the folder NAME holding a new worker module: pom.xml, a Maven wrapper (mvnw), worker.jsonc
                with a build command, an entrypoint with a fetch and an RPC method, and a JUnit 5 test. Then:
                  cd NAME && ./mvnw verify            builds it and runs its test
                  jworkers dev -c NAME/worker.jsonc   builds it, serves it on http://127.0.0.1:8787, rebuilds on changes

                Options:
                """ + CommandLine.describe(options());
    }

    private static List<CommandLine.Option> options() {
        return List.of(new CommandLine.Option("--package", "-p", "PACKAGE",
                "the Java package, default com.example.NAME (without '-' and '_')"));
    }

    int run(List<String> args) {
        CommandLine line = CommandLine.parse("init", options(), args);
        if (line.positional().size() != 1) {
            throw new UsageException("jworkers init: name the worker, e.g. jworkers init hello-world");
        }
        String name = line.positional().get(0);
        if (!NameRules.WORKER_NAME.matcher(name).matches()) {
            throw new UsageException("jworkers init: \"" + name + "\" is not a worker name: " + NameRules.WORKER_NAME_RULE);
        }
        String segment = name.replaceAll("[-_]", "");
        String pkg = line.last("--package").orElse("com.example." + (Character.isDigit(segment.charAt(0)) ? "w" : "") + segment);
        if (!PACKAGE.matcher(pkg).matches() || Character.isDigit(pkg.charAt(pkg.lastIndexOf('.') + 1))) {
            throw new UsageException("jworkers init: \"" + pkg + "\" is not a Java package name; "
                    + "use lowercase words separated by dots, e.g. --package com.acme.billing");
        }
        Path dir = workingDir.resolve(name);
        if (Files.exists(dir)) {
            throw new IllegalStateException(dir + " already exists; pick another name or move it away");
        }
        Map<String, String> values = values(name, pkg);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml.template");
        files.put("worker.jsonc", "worker.jsonc.template");
        files.put(".gitignore", "gitignore.template");
        String path = pkg.replace('.', '/');
        files.put("src/main/java/" + path + "/" + values.get("CLASS") + ".java", "Worker.java.template");
        files.put("src/test/java/" + path + "/" + values.get("CLASS") + "Test.java", "WorkerTest.java.template");
        Map<String, String> wrapper = wrapper();
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                write(dir.resolve(file.getKey()), fill(template(file.getValue()), values));
            }
            for (Map.Entry<String, String> file : wrapper.entrySet()) {
                write(dir.resolve(file.getKey()), file.getValue());
            }
            executable(dir.resolve("mvnw"));
        } catch (IOException e) {
            throw new UncheckedIOException("Writing " + dir + " failed: " + e.getMessage(), e);
        }
        out.println("Created " + name + "/, a worker module:");
        files.keySet().forEach(file -> out.println("  " + name + "/" + file));
        out.println("  " + name + "/mvnw, mvnw.cmd, .mvn/wrapper/ (a Maven wrapper that finds a JDK 21+ by itself)");
        out.println();
        out.println("Next:");
        out.println("  cd " + name + " && ./mvnw verify              # builds it and runs its test");
        out.println("  jworkers dev -c " + name + "/worker.jsonc      # builds it, serves it on http://127.0.0.1:8787,");
        out.println("                                                #   rebuilds and reloads it when src/ changes");
        out.println("It depends on io.jworkers " + values.get("JWORKERS_VERSION")
                + "; if Maven cannot find it, run ./mvnw install -DskipTests once in the jworkers checkout.");
        return 0;
    }

    private static Map<String, String> values(String name, String pkg) {
        Properties versions = new Properties();
        try (InputStream in = InitCommand.class.getResourceAsStream(TEMPLATES + "jworkers.properties")) {
            versions.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("The jworkers build is missing its init templates; rebuild it", e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("NAME", name);
        values.put("PACKAGE", pkg);
        values.put("GROUP", pkg.contains(".") ? pkg.substring(0, pkg.lastIndexOf('.')) : pkg);
        values.put("CLASS", className(name));
        values.put("BINDING", name.toUpperCase(Locale.ROOT).replace('-', '_'));
        values.put("JWORKERS_VERSION", versions.getProperty("jworkers.version"));
        values.put("JUNIT_VERSION", versions.getProperty("junit.version"));
        values.put("COMPILER_VERSION", versions.getProperty("compiler.version"));
        values.put("SUREFIRE_VERSION", versions.getProperty("surefire.version"));
        return values;
    }

    // hello-world -> HelloWorldWorker; 3d-render -> W3dRenderWorker (a class name cannot start with a digit).
    static String className(String name) {
        StringBuilder result = new StringBuilder();
        for (String part : name.split("[-_]")) {
            if (!part.isEmpty()) {
                result.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        if (Character.isDigit(result.charAt(0))) {
            result.insert(0, 'W');
        }
        return result.append("Worker").toString();
    }

    /**
     * This build's Maven wrapper, by path in the new module. The wrapper sources {@code find-jdk.sh};
     * in the module it lives beside the wrapper's properties, in {@code .mvn/wrapper/}.
     */
    private static Map<String, String> wrapper() {
        Map<String, String> files = new LinkedHashMap<>();
        try {
            String mvnw = template(WRAPPER + "mvnw");
            String sourced = "/scripts/find-jdk.sh\"";
            if (mvnw.indexOf(sourced) < 0 || mvnw.indexOf(sourced) != mvnw.lastIndexOf(sourced)) {
                throw new IllegalStateException("The jworkers build's mvnw does not source scripts/find-jdk.sh once; rebuild it");
            }
            files.put("mvnw", mvnw.replace(sourced, "/.mvn/wrapper/find-jdk.sh\""));
            files.put("mvnw.cmd", template(WRAPPER + "mvnw.cmd"));
            files.put(".mvn/wrapper/maven-wrapper.properties", template(WRAPPER + ".mvn/wrapper/maven-wrapper.properties"));
            files.put(".mvn/wrapper/find-jdk.sh", template(WRAPPER + "scripts/find-jdk.sh"));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the jworkers build's Maven wrapper failed: " + e.getMessage(), e);
        }
        return files;
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static void executable(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(file, permissions);
        }
    }

    private static String template(String name) throws IOException {
        try (InputStream in = InitCommand.class.getResourceAsStream(TEMPLATES + name)) {
            if (in == null) {
                throw new IllegalStateException("The jworkers build is missing the init template " + name + "; rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String fill(String template, Map<String, String> values) {
        String result = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            result = result.replace("{{" + value.getKey() + "}}", value.getValue());
        }
        return result;
    }
}
