package io.jworkers.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jworkers --version} and {@code jworkers version}: the build, the checkout's commit when known, the Java. */
class VersionCommandTest {

    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root")).toAbsolutePath().normalize();
    private static final String JAVA = ", Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")\n";

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void outsideACheckoutItPrintsTheVersionBuildTimeAndJava() {
        Result version = run(Map.of("JWORKERS_HOME", dir.toString()), "--version");
        assertEquals(0, version.code());
        assertEquals("", version.err());
        assertTrue(version.out().matches("jworkers 0\\.1\\.0-SNAPSHOT \\(built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)"
                + Pattern.quote(JAVA)), version.out());
        assertEquals(version, run(Map.of(), "version"), "the command and the option print the same");
    }

    @Test
    void runFromAGitCheckoutItAddsTheCommit() {
        Result version = run(Map.of("JWORKERS_HOME", REPO.toString()), "version");
        assertEquals(0, version.code());
        // A checkout is a git repository (a source archive is not, and then there is no commit to tell).
        String commit = Files.exists(REPO.resolve(".git")) ? "commit [0-9a-f]{7}( with local changes)?, " : "";
        assertTrue(version.out().matches("jworkers 0\\.1\\.0-SNAPSHOT \\(" + commit + "built [^)]+\\)" + Pattern.quote(JAVA)),
                version.out());
    }

    @Test
    void aMisspeltCommandGetsAHintAndAnArgumentIsRefused() {
        Result wrong = run(Map.of(), "vershion");
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().startsWith("jworkers: unknown command \"vershion\" (did you mean \"version\"?)\n"), wrong.err());
        Result extra = run(Map.of(), "version", "--short");
        assertEquals(2, extra.code());
        assertEquals("", extra.out());
        assertEquals("jworkers version: unexpected argument \"--short\"\n\n" + VersionCommand.usage(), extra.err());
    }
}
