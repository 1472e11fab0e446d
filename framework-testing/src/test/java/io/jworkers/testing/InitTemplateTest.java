package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jworkers init NAME} as a user runs it, in a fresh folder: the module it writes builds
 * with Maven against this build's artifacts, its generated test passes, and {@code jworkers dev}
 * serves it over HTTP.
 */
class InitTemplateTest {

    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("jworkers.version");

    @TempDir
    Path dir;

    private record Run(int code, String output) {
    }

    @Test
    void theNewWorkerModuleBuildsPassesItsTestAndIsServedByDev() throws Exception {
        Run init = jworkers(dir, "init", "hello-world");
        assertEquals(0, init.code(), init.output());
        assertTrue(init.output().startsWith("""
                Created hello-world/, a worker module:
                  hello-world/pom.xml
                  hello-world/worker.jsonc
                  hello-world/.gitignore
                  hello-world/src/main/java/com/example/helloworld/HelloWorldWorker.java
                  hello-world/src/test/java/com/example/helloworld/HelloWorldWorkerTest.java
                """), init.output());

        Path module = dir.resolve("hello-world");
        Run build = maven(module, "-B", "-q", "verify");
        assertEquals(0, build.code(), build.output());
        String report = Files.readString(module.resolve("target/surefire-reports/com.example.helloworld.HelloWorldWorkerTest.txt"));
        assertTrue(report.contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), report);

        Process dev = fork(dir, "dev", "-c", "hello-world/worker.jsonc", "--port", "0");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8))) {
            String url = null;
            for (String line; url == null && (line = out.readLine()) != null; ) {
                if (line.startsWith("Ready on ")) {
                    url = line.substring("Ready on ".length()).split(" ")[0];
                }
            }
            assertTrue(url != null, "dev printed no Ready line");
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/hi")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().startsWith("Hello from hello-world at /hi (request "), response.body());
        } finally {
            dev.toHandle().destroy();
            dev.waitFor(20, TimeUnit.SECONDS);
            dev.destroyForcibly();
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
        Process process = fork(workingDir, args);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output);
    }

    private static Process fork(Path workingDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.jworkers.runtime.cli.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
    }

    // The module's build finds this build's artifacts in a repository of its own, and everything else
    // (JUnit, Helidon, the Maven plugins) in the repository this build used.
    private Run maven(Path module, String... args) throws Exception {
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
        List<String> command = new ArrayList<>(List.of(REPO.resolve("mvnw").toString(),
                "-Dmaven.repo.local=" + repository, "-Dmaven.repo.local.tail=" + System.getProperty("jworkers.maven.repo")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        return new Run(process.exitValue(), output);
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
