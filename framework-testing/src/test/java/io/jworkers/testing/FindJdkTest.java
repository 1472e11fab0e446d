package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/find-jdk.sh}, which {@code ./mvnw}, {@code ./jworkers} and {@code .ci/run} source
 * before anything else: which JDK it picks among fake JDK folders (a {@code release} file, or only
 * what {@code java -version} says), under {@code sh} with {@code set -euf} as the Maven wrapper
 * sources it, and what it says when there is none.
 */
class FindJdkTest {

    private static final Path SCRIPT = Path.of(System.getProperty("jworkers.repo.root"), "scripts", "find-jdk.sh")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    @Test
    void theHighestJdkOfTheSearchedFoldersWinsAndItsMajorVersionIsSet() throws Exception {
        Path j17 = jdk("jvm/a-17", "17.0.15", true);
        Path j25 = jdk("jvm/b-25", "25.0.1", true);
        Path j21 = jdk("jvm/c-21", "21.0.8", true);

        Run run = source(Map.of("JWORKERS_JDK_SEARCH", dir.resolve("jvm") + "/*"));

        assertEquals(0, run.code(), run.err());
        assertEquals(j25 + " 25 " + j25 + "/bin\n", run.out());
        assertEquals("", run.err());
        assertTrue(Files.isDirectory(j17) && Files.isDirectory(j21));
    }

    @Test
    void aJavaHomeOf21OrNewerIsKeptAndAnOlderOneIsPassedOver() throws Exception {
        Path j21 = jdk("home-21", "21.0.8", true);
        Path j17 = jdk("home-17", "17.0.15", true);
        Path j25 = jdk("jvm/x-25", "25", true);
        String search = dir.resolve("jvm") + "/*";

        Run kept = source(Map.of("JAVA_HOME", j21.toString(), "JWORKERS_JDK_SEARCH", search));
        Run passed = source(Map.of("JAVA_HOME", j17.toString(), "JWORKERS_JDK_SEARCH", search));

        assertEquals(j21 + " 21 " + j21 + "/bin\n", kept.out(), kept.err());
        assertEquals(j25 + " 25 " + j25 + "/bin\n", passed.out(), passed.err());
    }

    @Test
    void aJreIsNotAJdkAndAJdkWithoutAReleaseFileIsAskedItsVersion() throws Exception {
        jdk("jvm/a-jre-26", "26", false);
        Path noRelease = jdk("jvm/b-22", null, true);
        Files.writeString(noRelease.resolve("bin/java"), """
                #!/bin/sh
                echo 'openjdk version "22.0.2" 2024-07-16' >&2
                echo 'OpenJDK Runtime Environment (build 22.0.2+9)' >&2
                """);

        Run run = source(Map.of("JWORKERS_JDK_SEARCH", dir.resolve("jvm") + "/*"));

        assertEquals(0, run.code(), run.err());
        assertEquals(noRelease + " 22 " + noRelease + "/bin\n", run.out());
    }

    @Test
    void theJdkOfTheJavaOnPathIsFoundThroughItsSymlinks() throws Exception {
        Path jdk = jdk("opt/vendor-jdk-23", "23.0.1", true);
        // /usr/bin/java -> /etc/alternatives/java -> the JDK's java, as Debian's alternatives do (a relative hop too).
        Path alternatives = Files.createDirectories(dir.resolve("etc/alternatives"));
        Files.createSymbolicLink(alternatives.resolve("java"), alternatives.relativize(jdk.resolve("bin/java")));
        Path bin = Files.createDirectories(dir.resolve("usr/bin"));
        Files.createSymbolicLink(bin.resolve("java"), alternatives.resolve("java"));

        Run run = source(Map.of("JWORKERS_JDK_SEARCH", dir.resolve("nothing") + "/*", "PATH", bin + ":/usr/bin:/bin"));

        assertEquals(0, run.code(), run.err());
        assertEquals(jdk.toRealPath() + " 23 " + jdk.toRealPath() + "/bin\n", run.out());
    }

    @Test
    void withoutAJdk21ItSaysWhatItSearchedAndHowToGetOneAndReturns1() throws Exception {
        Path old = jdk("jvm/only-17", "17.0.15", true);
        Path bin = Files.createDirectories(dir.resolve("path-bin"));
        Files.createSymbolicLink(bin.resolve("java"), old.resolve("bin/java"));

        Run run = source(Map.of("JWORKERS_JDK_SEARCH", dir.resolve("jvm") + "/*", "PATH", bin + ":/usr/bin:/bin"));

        assertEquals(1, run.code());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("jworkers needs a JDK 21 or newer (Java 21+ with javac), and none was found.\n"
                + "  JAVA_HOME is not set.\n"
                + "  Searched: " + dir.resolve("jvm") + "/*\n"
                + "  and the java on PATH (" + old.toRealPath().resolve("bin/java") + "): version 17.\n"
                + "Install a JDK 21+ (any of these), then run the command again:\n"), run.err());
    }

    @Test
    void sourcedUnderShWithSetEufItLeavesNoHelpersBehindAndGlobbingOff() throws Exception {
        Path jdk = jdk("jvm/j-21", "21.0.1", true);
        Run run = run(Map.of("JWORKERS_JDK_SEARCH", dir.resolve("jvm") + "/*"), "sh", "-c", """
                set -euf
                . "$1"
                echo "$JAVA_HOME $jw_jdk_major"
                set | grep -c '^_jw' || true
                case $- in *f*) echo noglob ;; *) echo glob ;; esac
                """, "sh", SCRIPT.toString());

        assertEquals(0, run.code(), run.err());
        assertEquals(jdk + " 21\n0\nnoglob\n", run.out());
    }

    /** A fake JDK: bin/java (and bin/javac for a JDK), and a release file when version is not null. */
    private Path jdk(String name, String version, boolean javac) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Path bin = Files.createDirectories(home.resolve("bin"));
        executable(bin.resolve("java"), "#!/bin/sh\necho 'not asked: the release file says' >&2\nexit 1\n");
        if (javac) {
            executable(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
        }
        if (version != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_RUNTIME_VERSION=\"" + version
                    + "+1\"\nJAVA_VERSION=\"" + version + "\"\nJAVA_VERSION_DATE=\"2025-01-01\"\n");
        }
        return home;
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Sources the script in bash and prints JAVA_HOME, jw_jdk_major and the first PATH entry. */
    private Run source(Map<String, String> env) throws Exception {
        return run(env, "bash", "-c", """
                set -euo pipefail
                source "$1" || exit $?
                echo "$JAVA_HOME $jw_jdk_major ${PATH%%:*}"
                """, "bash", SCRIPT.toString());
    }

    private Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(dir.toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "find-jdk.sh did not finish");
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
