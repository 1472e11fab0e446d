package io.jworkers.runtime.cli;

import io.jworkers.runtime.config.NameRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@code jworkers init NAME}: a new worker module in the folder NAME, a Maven project with an
 * entrypoint (a fetch and one RPC method), its {@code worker.jsonc} and a test that runs it with
 * the testing extension. The versions of jworkers, JUnit and the Maven plugins are those of this
 * build, so the module builds with what this checkout installed.
 */
final class InitCommand {

    private static final String TEMPLATES = "/io/jworkers/runtime/init/";
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

                Creates the folder NAME holding a new worker module: pom.xml, worker.jsonc, an entrypoint
                with a fetch and an RPC method, and a JUnit 5 test. Then:
                  cd NAME && mvn verify            builds it and runs its test
                  jworkers dev -c NAME/worker.jsonc   serves it on http://127.0.0.1:8787

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
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = dir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, fill(template(file.getValue()), values));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Writing " + dir + " failed: " + e.getMessage(), e);
        }
        out.println("Created " + name + "/, a worker module:");
        files.keySet().forEach(file -> out.println("  " + name + "/" + file));
        out.println();
        out.println("Next:");
        out.println("  cd " + name + " && mvn verify                 # builds it and runs its test");
        out.println("  jworkers dev -c " + name + "/worker.jsonc      # serves it on http://127.0.0.1:8787");
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
