package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./jworkers} launcher as users run it: through a symlink on their PATH, from any
 * folder, on a machine whose default java is too old; and its first build, which shows one line
 * per module instead of minutes of silence, and Maven's errors when it fails.
 */
class LauncherTest {

    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("jworkers.version");
    private static final Path JAR = REPO.resolve("framework-runtime/target/jworkers.jar");
    /** Debian's Java 17, the default java of a fresh machine here: too old for jworkers. */
    private static final Path OLD_JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin");
    private static final Pattern VERSION_LINE = Pattern.compile("jworkers " + Pattern.quote(VERSION)
            + " \\((?:commit ([0-9a-f]{7}(?: with local changes)?), )?built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\),"
            + " Java (\\d+)[^ ]* \\((/[^)]+)\\)\\n");

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    @Test
    void aLauncherSymlinkedOntoPathRunsFromAnyFolderAndFindsAJdkByItself() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: package framework-runtime first");
        // ~/.local/bin/jworkers -> a relative link -> the checkout's launcher, as README suggests (one hop more).
        Path bin = Files.createDirectories(dir.resolve("home/.local/bin"));
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("jworkers"), REPO.resolve("jworkers"));
        Files.createSymbolicLink(bin.resolve("jworkers"), bin.relativize(links.resolve("jworkers")));
        Path elsewhere = Files.createDirectories(dir.resolve("somewhere/else"));

        Run version = run(elsewhere, true, bin.resolve("jworkers").toString(), "--version");
        assertEquals(0, version.code(), version.err());
        assertEquals("", version.err());
        Matcher line = VERSION_LINE.matcher(version.out());
        assertTrue(line.matches(), version.out());
        assertTrue(Integer.parseInt(line.group(2)) >= 21, "the launcher picked a JDK 21+, not the default java: " + version.out());
        assertTrue(Files.isExecutable(Path.of(line.group(3), "bin", "javac")), "a JDK: " + line.group(3));
        String head = git("rev-parse", "--short=7", "HEAD");
        if (head != null) {
            assertTrue(line.group(1) != null && line.group(1).startsWith(head), "the checkout's commit " + head + ": " + version.out());
        }

        Run command = run(elsewhere, true, bin.resolve("jworkers").toString(), "version");
        assertEquals(0, command.code(), command.err());
        assertEquals(version.out().replaceAll("built [^)]*\\)", ""), command.out().replaceAll("built [^)]*\\)", ""));
    }

    @Test
    void theFirstBuildShowsOneLinePerModuleThenRunsAndTheNextRunDoesNotBuild() throws Exception {
        Path checkout = checkout("""
                cat <<'OUT'
                [INFO] Scanning for projects...
                [INFO] ---------------------< io.jworkers:framework-api >----------------------
                [INFO] Building jworkers API 0.1.0-SNAPSHOT                               [1/2]
                [INFO]   from pom.xml
                [INFO] --------------------------------[ jar ]---------------------------------
                [INFO] --- compiler:3.16.0:compile (default-compile) @ framework-api ---
                [WARNING] a warning nobody needs to see when the build works
                [INFO] -------------------< io.jworkers:framework-runtime >--------------------
                [INFO] Building jworkers runtime 0.1.0-SNAPSHOT                           [2/2]
                [INFO] --- jar:3.5.0:jar (default-jar) @ framework-runtime ---
                [INFO] Building jar: /somewhere/framework-runtime-0.1.0-SNAPSHOT.jar
                [INFO] BUILD SUCCESS
                OUT
                mkdir -p framework-runtime/target && cp "$REAL_JAR" framework-runtime/target/jworkers.jar
                """);
        Run first = run(checkout, false, checkout.resolve("jworkers").toString(), "--version");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().matches("""
                jworkers: building jworkers \\(./mvnw -DskipTests package; the first build downloads its dependencies\\)\\.\\.\\.
                jworkers: building framework-api \\(1/2\\)\\.\\.\\.
                jworkers: building framework-runtime \\(2/2\\)\\.\\.\\.
                jworkers: built in \\d+ s
                """), first.err());
        assertTrue(VERSION_LINE.matcher(first.out()).matches(), first.out());
        assertTrue(Files.readString(checkout.resolve("target/jworkers-build.log")).contains("[WARNING] a warning nobody needs"),
                "Maven's whole output is kept");

        Run second = run(checkout, false, checkout.resolve("jworkers").toString(), "--version");
        assertEquals(0, second.code(), second.err());
        assertEquals("", second.err(), "nothing changed: no build");
    }

    @Test
    void aFailedBuildShowsMavensErrorsAndWhereItsWholeOutputIs() throws Exception {
        Path checkout = checkout("""
                cat <<'OUT'
                [INFO] ---------------------< io.jworkers:framework-api >----------------------
                [INFO] Building jworkers API 0.1.0-SNAPSHOT                               [1/2]
                [INFO] -------------------------------------------------------------
                [ERROR] COMPILATION ERROR :
                [ERROR] /src/Foo.java:[3,5] ';' expected
                [WARNING] Rule 0: org.apache.maven.enforcer.rules.version.RequireJavaVersion failed with message:
                Detected JDK version 17 is not in the allowed range [21,).
                [INFO] BUILD FAILURE
                OUT
                exit 1
                """);
        Run failed = run(checkout, false, checkout.resolve("jworkers").toString(), "--version");
        assertEquals(1, failed.code());
        assertEquals("", failed.out());
        assertEquals("""
                jworkers: building jworkers (./mvnw -DskipTests package; the first build downloads its dependencies)...
                jworkers: building framework-api (1/2)...
                jworkers: the build failed. Maven said:
                [ERROR] COMPILATION ERROR :
                [ERROR] /src/Foo.java:[3,5] ';' expected
                [WARNING] Rule 0: org.apache.maven.enforcer.rules.version.RequireJavaVersion failed with message:
                Detected JDK version 17 is not in the allowed range [21,).
                jworkers: Maven's whole output is in %1$s/target/jworkers-build.log
                  Fix the error, or run it yourself to see everything:  cd %1$s && ./mvnw -DskipTests package
                  then run jworkers again. (JWORKERS_SKIP_BUILD=1 skips this check and runs the last jar built.)
                """.formatted(checkout.toRealPath()), failed.err());
        assertTrue(!Files.exists(checkout.resolve("target/.jworkers-built")), "a failed build is not stamped as built");
    }

    @Test
    void theHostRunsOnTheSerialCollectorUnlessJworkersJavaOptsNamesAnother() throws Exception {
        String launcher = REPO.resolve("jworkers").toString();
        Run defaults = run(dir, true, Map.of("JWORKERS_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), launcher, "--version");
        assertEquals(0, defaults.code(), defaults.err());
        List<String> flags = List.of(defaults.out().lines().findFirst().orElse("").split(" "));
        assertTrue(flags.contains("-XX:+UseSerialGC") && flags.contains("-XX:NewSize=25165824")
                && flags.contains("-XX:MaxNewSize=25165824"), defaults.out());
        Run chosen = run(dir, true, Map.of("JWORKERS_JAVA_OPTS", "-XX:+UseG1GC -XX:+PrintCommandLineFlags"), launcher, "--version");
        assertEquals(0, chosen.code(), chosen.err());
        List<String> chosenFlags = List.of(chosen.out().lines().findFirst().orElse("").split(" "));
        assertTrue(chosenFlags.contains("-XX:+UseG1GC") && !chosenFlags.contains("-XX:+UseSerialGC")
                && !chosenFlags.contains("-XX:NewSize=25165824"), chosen.out());
    }

    @Test
    void serveStartsOnTheAotCacheTrainedOnServeAndEveryOtherCommandOnDevs() throws Exception {
        Path checkout = checkout("exit 1\n");
        Path target = Files.createDirectories(checkout.resolve("framework-runtime/target"));
        Files.createSymbolicLink(target.resolve("jworkers.jar"), JAR);
        Path launcher = checkout.resolve("jworkers");
        Run version = run(dir, true, launcher.toString(), "--version");
        Matcher line = VERSION_LINE.matcher(version.out());
        assertTrue(line.matches(), version.out() + version.err());
        org.junit.jupiter.api.Assumptions.assumeTrue(Integer.parseInt(line.group(2)) >= 25,
                "the AOT cache needs Java 25+; the launcher found Java " + line.group(2));
        // Caches newer than the jar (a JVM given a cache it cannot use runs without it, as here).
        Path devCache = Files.writeString(Files.createDirectories(checkout.resolve("target")).resolve("jworkers.aot"), "dev");
        Path serveCache = Files.writeString(checkout.resolve("target/jworkers-serve.aot"), "serve");
        Map<String, String> flags = Map.of("JWORKERS_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        for (String command : List.of("serve", "dev", "deploy", "tail")) {
            Run help = run(dir, true, flags, launcher.toString(), command, "--help");
            assertEquals(0, help.code(), help.err());
            Path expected = command.equals("serve") ? serveCache : devCache;
            assertTrue(help.out().lines().findFirst().orElse("").contains("-XX:AOTCache=" + expected + " "),
                    command + ": " + help.out());
        }
        // serve's cache older than the jar: serve runs on the CDS archive and has its own cache made
        // in the background (which, in this checkout without built examples, says what it needs).
        Files.setLastModifiedTime(serveCache, java.nio.file.attribute.FileTime.fromMillis(0));
        Run stale = run(dir, true, flags, launcher.toString(), "serve", "--help");
        assertEquals(0, stale.code(), stale.err());
        String first = stale.out().lines().findFirst().orElse("");
        assertTrue(!first.contains("-XX:AOTCache") && first.contains("-XX:SharedArchiveFile=" + checkout.resolve("target/jworkers.jsa")),
                stale.out());
        Path log = checkout.resolve("target/jworkers-aot-serve.log");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(log) && Files.readString(log).contains("build the examples first")) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals("aot-cache: build the examples first (./mvnw -DskipTests package)\n", Files.readString(log));
        assertTrue(Files.getLastModifiedTime(serveCache).toMillis() == 0 && Files.readString(devCache).equals("dev"),
                "the caches are left as they were");
    }

    /** A checkout with the real launcher and scripts, and a fake ./mvnw running {@code script}. */
    private Path checkout(String script) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: package framework-runtime first");
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(REPO.resolve("jworkers"), checkout.resolve("jworkers"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(checkout.resolve("scripts"));
        for (String file : List.of("find-jdk.sh", "build-progress.sh", "jvm-defaults.sh", "aot-cache.sh")) {
            Files.copy(REPO.resolve("scripts").resolve(file), checkout.resolve("scripts").resolve(file));
        }
        Path mvnw = Files.writeString(checkout.resolve("mvnw"), "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        return checkout;
    }

    /**
     * Runs a command as a user on a fresh machine: no JAVA_HOME, an old java first on PATH.
     *
     * @param skipBuild set JWORKERS_SKIP_BUILD=1, as for a checkout whose jar is built already
     */
    private Run run(Path workingDir, boolean skipBuild, String... command) throws Exception {
        return run(workingDir, skipBuild, Map.of(), command);
    }

    private Run run(Path workingDir, boolean skipBuild, Map<String, String> more, String... command) throws Exception {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectError(err.toFile());
        Map<String, String> environment = builder.environment();
        String path = environment.getOrDefault("PATH", "/usr/bin:/bin");
        environment.clear();
        environment.put("HOME", System.getProperty("user.home"));
        environment.put("PATH", (Files.isDirectory(OLD_JAVA) ? OLD_JAVA + File.pathSeparator : "") + path);
        environment.put("REAL_JAR", JAR.toString()); // for the fake ./mvnw
        if (skipBuild) {
            environment.put("JWORKERS_SKIP_BUILD", "1");
        }
        environment.putAll(more);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), out, Files.readString(err));
    }

    private static String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", REPO.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor() == 0 ? out : null;
        } catch (IOException noGit) {
            return null;
        }
    }
}
