package io.jworkers.runtime.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jworkers dev} or {@code jworkers serve} in a JVM of its own, started as a user would (the
 * CLI's main class, JVM options such as {@code -Xmx256m}), for what only a separate process shows:
 * memory bounds, signals (SIGTERM, SIGKILL), exit codes, everything the host prints.
 */
public final class ForkedHost implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("Ready on (http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern SERVING = Pattern.compile(
            "Serving on (http://127\\.0\\.0\\.1:\\d+); admin API on (http://[0-9.]+:\\d+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final String url;
    private final String adminUrl;
    private final Thread reader;

    private ForkedHost(Process process, Pattern ready) throws InterruptedException {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        });
        reader.setDaemon(true);
        reader.start();
        Matcher found = null;
        for (int i = 0; i < 600 && found == null && process.isAlive(); i++) {
            for (String line : output) {
                Matcher matcher = ready.matcher(line);
                if (matcher.find()) {
                    found = matcher;
                }
            }
            if (found == null) {
                Thread.sleep(50);
            }
        }
        if (found == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the forked host did not start: " + output);
        }
        this.url = found.group(1);
        this.adminUrl = found.groupCount() > 1 ? found.group(2) : null;
    }

    /**
     * Starts {@code jworkers dev} in a new JVM on a free port.
     *
     * @param jvmOptions e.g. {@code -Xmx256m}
     * @param devArguments arguments after {@code dev}, e.g. {@code -c} and config paths
     * @return the running host
     */
    public static ForkedHost dev(List<String> jvmOptions, List<String> devArguments) {
        List<String> command = javaCommand(jvmOptions);
        command.add("dev");
        command.add("--port");
        command.add("0");
        command.addAll(devArguments);
        return start(command, READY);
    }

    /**
     * Starts {@code jworkers serve} in a new JVM, its public listener and admin API on free ports
     * of 127.0.0.1.
     *
     * @param jvmOptions e.g. {@code -Djworkers.test.pauseDeployAt=moved@2}
     * @param state the state folder
     * @param tokenFile the admin token's file
     * @return the running host
     */
    public static ForkedHost serve(List<String> jvmOptions, Path state, Path tokenFile) {
        return serve(List.of(), jvmOptions, state, tokenFile, List.of());
    }

    /**
     * Starts {@code jworkers serve} in a new JVM with more options, e.g. {@code --admin-ip 0.0.0.0}.
     *
     * @param jvmOptions JVM options
     * @param state the state folder
     * @param tokenFile the admin token's file
     * @param serveOptions more options of {@code serve}, after the others (so they win)
     * @return the running host
     */
    public static ForkedHost serve(List<String> jvmOptions, Path state, Path tokenFile, List<String> serveOptions) {
        return serve(List.of(), jvmOptions, state, tokenFile, serveOptions);
    }

    /**
     * Starts {@code jworkers serve} as {@link #serve(List, Path, Path)} does, through a launcher
     * that runs the command it is given after its own arguments (e.g. {@code unshare ... sh -c}).
     *
     * @param launcher the launcher's command line, before the java command
     * @param jvmOptions e.g. {@code -Xmx256m}
     * @param state the state folder
     * @param tokenFile the admin token's file
     * @return the running host
     */
    public static ForkedHost serve(List<String> launcher, List<String> jvmOptions, Path state, Path tokenFile) {
        return serve(launcher, jvmOptions, state, tokenFile, List.of());
    }

    private static ForkedHost serve(List<String> launcher, List<String> jvmOptions, Path state, Path tokenFile,
            List<String> serveOptions) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(javaCommand(jvmOptions));
        command.addAll(List.of("serve", "--state", state.toString(), "--ip", "127.0.0.1", "--port", "0",
                "--admin-port", "0", "--token-file", tokenFile.toString()));
        command.addAll(serveOptions);
        return start(command, SERVING);
    }

    /**
     * Starts {@code jworkers serve --store URL}: a host of a shared PostgreSQL store.
     *
     * @param jvmOptions JVM options
     * @param store the store's URL
     * @param cache the host's bundle cache
     * @param tokenFile the admin token's file
     * @param environment more environment variables, e.g. {@code PGPASSWORD} and {@code JWORKERS_SECRET_KEY}
     * @param serveOptions more options of {@code serve}
     * @return the running host
     */
    public static ForkedHost serveStore(List<String> jvmOptions, String store, Path cache, Path tokenFile,
            java.util.Map<String, String> environment, List<String> serveOptions) {
        List<String> command = new ArrayList<>(javaCommand(jvmOptions));
        command.addAll(List.of("serve", "--store", store, "--cache", cache.toString(), "--ip", "127.0.0.1", "--port", "0",
                "--admin-port", "0", "--token-file", tokenFile.toString()));
        command.addAll(serveOptions);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            return new ForkedHost(builder.start(), SERVING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code jworkers serve} as {@link #serve(List, Path, Path)} does, in a shell that
     * first lowers the process's open-file limit ({@code ulimit -n}), as a container or a
     * service manager may.
     *
     * @param fileLimit the open-file limit
     * @param state the state folder
     * @param tokenFile the admin token's file
     * @param serveArguments more arguments of {@code serve}, e.g. {@code --max-connections 1000}
     * @return the running host
     */
    public static ForkedHost serveWithFileLimit(int fileLimit, Path state, Path tokenFile, String... serveArguments) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + fileLimit + " && exec \"$@\"", "bash"));
        command.addAll(javaCommand(List.of()));
        command.addAll(List.of("serve", "--state", state.toString(), "--ip", "127.0.0.1", "--port", "0",
                "--admin-port", "0", "--token-file", tokenFile.toString()));
        command.addAll(List.of(serveArguments));
        return start(command, SERVING);
    }

    /**
     * The command that runs the CLI in a new JVM with the test's classpath.
     *
     * @param jvmOptions JVM options
     * @return {@code java ... -cp ... io.jworkers.runtime.cli.Main}, to which the CLI's arguments are added
     */
    public static List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // What the host's jar manifest opens (Add-Opens), so that a forked host takes the jar's paths.
        command.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(hostClasspath());
        command.add("io.jworkers.runtime.cli.Main");
        return command;
    }

    // The runtime's classes and dependencies (target/runtime-classpath.txt, written by the build)
    // and the test classes (test hooks such as FailingAcceptProvider): not the test libraries, which
    // a host never loads but whose jars the JVM would open while looking for classes.
    private static String hostClasspath() {
        Path runtime = Path.of("target", "runtime-classpath.txt");
        if (!Files.isReadable(runtime)) {
            return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        }
        try {
            String dependencies = Files.readString(runtime).strip();
            return String.join(java.io.File.pathSeparator, Path.of("target", "test-classes").toAbsolutePath().toString(),
                    Path.of("target", "classes").toAbsolutePath().toString(), dependencies);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ForkedHost start(List<String> command, Pattern ready) {
        try {
            return new ForkedHost(new ProcessBuilder(command).redirectErrorStream(true).start(), ready);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The process id of the forked JVM.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * The primary worker's URL ({@code dev}), the public listener's ({@code serve}).
     *
     * @return e.g. {@code http://127.0.0.1:40123}
     */
    public String url() {
        return url;
    }

    /**
     * The admin API's URL ({@code serve} only).
     *
     * @return e.g. {@code http://127.0.0.1:40124}
     */
    public String adminUrl() {
        return adminUrl;
    }

    /**
     * Sends SIGKILL, as {@code kill -9} does: no shutdown hook, no clean-up, and waits for the end.
     *
     * @return the exit code (137 on Linux: 128 + signal 9)
     */
    public int kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the forked host survived SIGKILL for 30 s");
        }
        reader.join(5000);
        return process.exitValue();
    }

    /**
     * Waits until the process printed a line containing {@code text}.
     *
     * @param text what to wait for
     * @param seconds how long at most
     * @throws IllegalStateException if it did not come in time, with what was printed
     */
    public void awaitOutput(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (output.stream().noneMatch(line -> line.contains(text))) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("the forked host did not print \"" + text + "\" in " + seconds + " s: " + output);
            }
            Thread.sleep(10);
        }
    }

    /** Sends SIGTERM, as a service manager stops a process. */
    public void terminate() {
        // Process.destroy() would also close our ends of its pipes, losing what it prints while it stops.
        process.toHandle().destroy();
    }

    /**
     * Waits for the process to end.
     *
     * @param seconds how long at most
     * @return its exit code
     */
    public int waitForExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the forked host did not exit within " + seconds + " s: " + output);
        }
        reader.join(5000); // everything the process printed is read before anyone looks at it
        return process.exitValue();
    }

    /**
     * What the process printed so far (stdout and stderr).
     *
     * @return the lines
     */
    public List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
