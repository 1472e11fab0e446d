package io.jworkers.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code jworkers --version} / {@code jworkers version}: this build's version and build time, the
 * commit of the checkout the launcher runs it from (when it is a git checkout), and the Java
 * running it, so a bug report says exactly what ran.
 */
final class VersionCommand {

    private final PrintStream out;
    private final Map<String, String> environment;

    VersionCommand(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    static String usage() {
        return """
                Usage: jworkers version   (or: jworkers --version)

                Prints the version of jworkers, when it was built, the commit of its checkout (when the
                launcher runs it from a git checkout) and the Java it runs on.
                """;
    }

    int run(List<String> args) {
        if (!args.isEmpty()) {
            throw new UsageException("jworkers version: unexpected argument \"" + args.get(0) + "\"");
        }
        return run();
    }

    int run() {
        Properties build = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // Reported as unknown below.
        }
        List<String> details = new ArrayList<>();
        commit().ifPresent(commit -> details.add("commit " + commit));
        String built = build.getProperty("built", "");
        if (!built.isEmpty() && !built.startsWith("${")) {
            details.add("built " + built);
        }
        out.println("jworkers " + build.getProperty("version", "(unknown version)")
                + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")")
                + ", Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        return 0;
    }

    /**
     * The checkout's commit, e.g. {@code 1a2b3c4} or {@code 1a2b3c4 with local changes}; known when
     * the launcher set JWORKERS_HOME to a git checkout and git is installed. The launcher rebuilds
     * the jar whenever the sources changed, so the checkout's commit is the jar's.
     */
    private Optional<String> commit() {
        String home = environment.get("JWORKERS_HOME");
        if (home == null || !Files.exists(Path.of(home, ".git"))) {
            return Optional.empty();
        }
        Optional<String> head = git(home, "rev-parse", "--short=7", "HEAD");
        return head.map(commit -> git(home, "status", "--porcelain", "--untracked-files=no")
                .filter(changes -> !changes.isEmpty()).map(changes -> commit + " with local changes").orElse(commit));
    }

    private static Optional<String> git(String home, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", home));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no git
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
