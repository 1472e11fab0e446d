package io.jworkers.runtime.build;

import io.jworkers.runtime.config.BuildConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a worker's build command (its config's {@code build}) the way Wrangler does: through the
 * shell, in the build's folder, its output streamed as it comes.
 *
 * <p>The command gets {@code JAVA_HOME} set to the JDK running jworkers, and that JDK's
 * {@code bin} first on {@code PATH}: the launcher already found a JDK 21+ for jworkers, and the
 * machine's default {@code java} may be older (a Maven build of a worker then fails with a
 * baffling "release 21 not supported").
 */
public final class BuildRunner {

    /** How many of the command's last lines a failure repeats: enough for a compiler error and its context. */
    static final int LAST_LINES = 10;

    private BuildRunner() {
    }

    /**
     * Runs the build and waits for it, printing {@code building NAME: COMMAND}, the command's
     * output (indented) and {@code built NAME (T s)}.
     *
     * @param build the worker's build
     * @param out where the command's output goes
     * @throws BuildFailedException if the command cannot start, exits with another code than 0, or
     *     the calling thread is interrupted (the command and its children are then stopped)
     */
    public static void run(BuildConfig build, PrintStream out) {
        out.println("building " + build.worker() + ": " + build.command());
        out.flush();
        long start = System.nanoTime();
        Process process;
        try {
            process = process(build).start();
        } catch (IOException e) {
            throw new BuildFailedException("the build of \"" + build.worker() + "\" did not start: " + e.getMessage()
                    + " (command: " + build.command() + ", in " + build.cwd() + ")", List.of(), e);
        }
        Deque<String> last = new ArrayDeque<>();
        // Read on another thread so that this one can be interrupted while the command runs.
        Thread reader = Thread.ofVirtual().name("jworkers-build-output-" + build.worker()).start(() -> copy(process, out, last));
        int code;
        try {
            code = process.waitFor();
            reader.join();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            Thread.currentThread().interrupt();
            throw new BuildFailedException("the build of \"" + build.worker() + "\" was stopped", List.of(), e);
        }
        if (code != 0) {
            List<String> lines;
            synchronized (last) {
                lines = List.copyOf(last);
            }
            throw new BuildFailedException("the build of \"" + build.worker() + "\" failed with exit code " + code + ": "
                    + build.command() + " (in " + build.cwd() + ")", lines, null);
        }
        out.printf(Locale.ROOT, "built %s (%.1f s)%n", build.worker(), (System.nanoTime() - start) / 1e9);
        out.flush();
    }

    private static ProcessBuilder process(BuildConfig build) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        ProcessBuilder builder = new ProcessBuilder(windows ? List.of("cmd", "/c", build.command())
                : List.of("sh", "-c", build.command()))
                .directory(build.cwd().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File(windows ? "NUL" : "/dev/null")));
        Map<String, String> environment = builder.environment();
        String javaHome = System.getProperty("java.home");
        environment.put("JAVA_HOME", javaHome);
        String path = environment.get("PATH");
        environment.put("PATH", Path.of(javaHome, "bin") + (path == null || path.isEmpty() ? "" : File.pathSeparator + path));
        return builder;
    }

    private static void copy(Process process, PrintStream out, Deque<String> last) {
        // In the platform's encoding, as the command writes it.
        try (BufferedReader lines = process.inputReader()) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.println("  " + line);
                out.flush();
                synchronized (last) {
                    last.addLast(line);
                    if (last.size() > LAST_LINES) {
                        last.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The process was stopped; its exit code tells the rest.
        }
    }
}
