package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jworkers init NAME} as a user runs it, in a fresh folder: the module it writes builds
 * with its own Maven wrapper against this build's artifacts (with no JAVA_HOME and an old default
 * java), its generated test passes, and {@code jworkers dev} builds it, serves it over HTTP, and
 * rebuilds and reloads it when its source changes.
 */
class InitTemplateTest {

    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("jworkers.version");
    /** Debian's Java 17, the default java of a fresh machine here: too old for jworkers. */
    private static final Path OLD_JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin");

    @TempDir
    Path dir;

    private record Run(int code, String output) {
    }

    @Test
    void theNewWorkerModuleBuildsWithItsOwnWrapperOnAnOldDefaultJavaAndDevBuildsServesAndRebuildsIt() throws Exception {
        Run init = jworkers(dir, "init", "hello-world");
        assertEquals(0, init.code(), init.output());
        assertEquals("""
                Created hello-world/, a worker module:
                  hello-world/pom.xml
                  hello-world/worker.jsonc
                  hello-world/.gitignore
                  hello-world/src/main/java/com/example/helloworld/HelloWorldWorker.java
                  hello-world/src/test/java/com/example/helloworld/HelloWorldWorkerTest.java
                  hello-world/mvnw, mvnw.cmd, .mvn/wrapper/ (a Maven wrapper that finds a JDK 21+ by itself)

                Next:
                  cd hello-world && ./mvnw verify              # builds it and runs its test
                  jworkers dev -c hello-world/worker.jsonc      # builds it, serves it on http://127.0.0.1:8787,
                                                                #   rebuilds and reloads it when src/ changes
                It depends on io.jworkers %s; if Maven cannot find it, run ./mvnw install -DskipTests once in the jworkers checkout.
                """.formatted(VERSION), init.output());

        Path module = dir.resolve("hello-world");
        assertTrue(Files.isExecutable(module.resolve("mvnw")));
        assertTrue(Files.readString(module.resolve("worker.jsonc"))
                .contains("\"build\": { \"command\": \"./mvnw -q compile\", \"watch_dir\": \"src\" }"));

        // As the README says: ./mvnw verify in the module, with no JAVA_HOME and an old default java.
        Run build = run(module, userEnvironment(), module.resolve("mvnw").toString(), "-B", "-q", "verify");
        assertEquals(0, build.code(), build.output());
        String report = Files.readString(module.resolve("target/surefire-reports/com.example.helloworld.HelloWorldWorkerTest.txt"));
        assertTrue(report.contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), report);

        // jworkers dev builds it itself (here from nothing), serves it, and rebuilds it when its source changes.
        deleteTree(module.resolve("target"));
        ProcessBuilder devProcess = new ProcessBuilder(javaCommand("dev", "-c", "hello-world/worker.jsonc", "--port", "0"))
                .directory(dir.toFile()).redirectErrorStream(true);
        devProcess.environment().clear();
        devProcess.environment().putAll(userEnvironment());
        Process dev = devProcess.start();
        StringBuffer printed = new StringBuffer();
        BufferedReader out = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = Thread.ofVirtual().start(() -> out.lines().forEach(line -> printed.append(line).append('\n')));
        try {
            String url = await(printed, "Ready on ");
            assertTrue(url != null, "dev printed no Ready line:\n" + printed);
            url = url.split(" ")[0];
            assertTrue(printed.toString().startsWith("jworkers dev: loading 1 worker...\nbuilding hello-world: ./mvnw -q compile\n"),
                    printed.toString());
            assertTrue(printed.toString().matches("(?s).*\nbuilt hello-world \\(\\d+\\.\\d s\\)\n.*"), printed.toString());
            HttpResponse<String> response = get(url + "/hi");
            assertEquals(200, response.statusCode());
            assertTrue(response.body().startsWith("Hello from hello-world at /hi (request "), response.body());

            Path source = module.resolve("src/main/java/com/example/helloworld/HelloWorldWorker.java");
            Files.writeString(source, Files.readString(source).replace("\" from hello-world at \"", "\" again from hello-world at \""));
            assertTrue(await(printed, "Reloaded hello-world ") != null, "no reload after the source changed:\n" + printed);
            assertTrue(get(url + "/hi").body().startsWith("Hello again from hello-world at /hi"), printed.toString());
            assertEquals(2, printed.toString().split("building hello-world: ", -1).length - 1, printed.toString());
            assertFalse(printed.toString().contains("Not reloaded"), printed.toString());
            assertFalse(printed.toString().contains("Not rebuilt"), printed.toString());
        } finally {
            dev.toHandle().destroy();
            dev.waitFor(20, TimeUnit.SECONDS);
            dev.destroyForcibly();
            reader.join(5000);
        }
    }

    @Test
    void initRefusesAFolderThatExistsAndABadNameAndWritesNothing() throws Exception {
        Files.createDirectories(dir.resolve("taken"));
        Run taken = jworkers(dir, "init", "taken");
        assertEquals(1, taken.code());
        assertEquals("jworkers init: " + dir.resolve("taken") + " already exists; pick another name or move it away\n",
                taken.output());
        try (Stream<Path> files = Files.list(dir.resolve("taken"))) {
            assertEquals(0, files.count());
        }

        Run bad = jworkers(dir, "init", "Hello World");
        assertEquals(2, bad.code());
        assertTrue(bad.output().startsWith("jworkers init: \"Hello World\" is not a worker name: use lowercase letters"),
                bad.output());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("taken")), files.toList());
        }
    }

    private static Run jworkers(Path workingDir, String... args) throws Exception {
        Process process = new ProcessBuilder(javaCommand(args)).directory(workingDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output);
    }

    // The CLI as the launcher runs it: this build's JDK, whatever the environment's default java is.
    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.jworkers.runtime.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * A user's environment on a fresh machine: no JAVA_HOME and, when the machine has one, a Java 17
     * first on PATH. The module's build finds this build's artifacts in a repository of its own, and
     * everything else (JUnit, Helidon, the Maven plugins) in the repository this build used; Maven
     * reads MAVEN_ARGS, so the build that jworkers dev runs gets them too.
     */
    private Map<String, String> userEnvironment() throws IOException {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.remove("JAVA_HOME");
        if (Files.isDirectory(OLD_JAVA)) {
            environment.put("PATH", OLD_JAVA + File.pathSeparator + environment.getOrDefault("PATH", "/usr/bin:/bin"));
        }
        environment.put("MAVEN_ARGS", "-Dmaven.repo.local=" + repository() + " -Dmaven.repo.local.tail="
                + System.getProperty("jworkers.maven.repo"));
        return environment;
    }

    private static Run run(Path workingDir, Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        return new Run(process.exitValue(), output);
    }

    private Path repository() throws IOException {
        Path repository = dir.resolve("m2");
        install(repository, "jworkers-parent", REPO.resolve("pom.xml"), null);
        install(repository, "framework-api", REPO.resolve("framework-api/pom.xml"), REPO.resolve("framework-api/target/framework-api-" + VERSION + ".jar"));
        install(repository, "annotation-processor", REPO.resolve("annotation-processor/pom.xml"),
                REPO.resolve("annotation-processor/target/annotation-processor-" + VERSION + ".jar"));
        install(repository, "framework-runtime", REPO.resolve("framework-runtime/pom.xml"),
                REPO.resolve("framework-runtime/target/framework-runtime-" + VERSION + ".jar"));
        // This module's own jar is not packaged yet while its tests run: pack its classes.
        install(repository, "framework-testing", REPO.resolve("framework-testing/pom.xml"),
                jar(REPO.resolve("framework-testing/target/classes"), dir.resolve("framework-testing.jar")));
        return repository;
    }

    // Up to two minutes for a Maven build: dev prints each line as it comes.
    private static String await(StringBuffer printed, String prefix) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            for (String line : printed.toString().split("\n")) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static void install(Path repository, String artifact, Path pom, Path jar) throws IOException {
        Path folder = repository.resolve("io/jworkers/" + artifact + "/" + VERSION);
        Files.createDirectories(folder);
        Files.copy(pom, folder.resolve(artifact + "-" + VERSION + ".pom"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, folder.resolve(artifact + "-" + VERSION + ".jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path jar(Path classes, Path target) throws IOException {
        try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> paths = Files.walk(classes)) {
            for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return target;
    }
}
