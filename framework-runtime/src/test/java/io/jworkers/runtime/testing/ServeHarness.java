package io.jworkers.runtime.testing;

import io.jworkers.runtime.cli.Main;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.serve.AdminServer;
import io.jworkers.runtime.serve.ServeHost;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code jworkers serve} in the test's JVM, as {@code ServeCommand} assembles it: the
 * {@link ServeHost} on a state folder, its public listener and its admin API on free ports, and
 * the CLI's admin commands run against it as a user runs them.
 */
public final class ServeHarness implements AutoCloseable {

    /** The admin token the harness starts the admin API with. */
    public static final String TOKEN = "admin-token-for-tests";

    private final ServeHost serve;
    private final IngressServer ingress;
    private final AdminServer admin;
    private final Path tokenFile;

    /** What one CLI command printed and returned. */
    public record Cli(int code, String out, String err) {
    }

    private ServeHarness(Path state, Path tokenFile) {
        this.tokenFile = tokenFile;
        this.serve = ServeHost.open(state);
        this.ingress = IngressServer.start(IngressSettings.defaults("127.0.0.1", 0), serve, serve.host().requests(),
                serve.host().metrics());
        this.admin = AdminServer.start("127.0.0.1", 0, serve, TOKEN);
    }

    /**
     * Opens a state folder and starts the listeners.
     *
     * @param state the state folder
     * @param scratch a folder for the token file
     * @return the running host
     */
    public static ServeHarness start(Path state, Path scratch) {
        try {
            return new ServeHarness(state, Files.writeString(scratch.resolve("admin-token"), TOKEN + "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the host */
    public ServeHost serve() {
        return serve;
    }

    /** @return the admin listener (its dashboard, to wire test sources in) */
    public AdminServer admin() {
        return admin;
    }

    /** @return the public listener's base URL */
    public String url() {
        return "http://127.0.0.1:" + ingress.port();
    }

    /** @return the admin API's base URL */
    public String adminUrl() {
        return "http://127.0.0.1:" + admin.port();
    }

    /** @return the file holding the admin token */
    public Path tokenFile() {
        return tokenFile;
    }

    /**
     * Runs a CLI admin command ({@code deploy}, {@code versions}, ...) against this host.
     *
     * @param stdin standard input (a secret's value)
     * @param args the command line, without --host and --token-file
     * @return what it printed and its exit code
     */
    public Cli cli(String stdin, String... args) {
        return cli(adminUrl(), tokenFile, stdin, args);
    }

    /**
     * Runs a CLI admin command against any host.
     *
     * @param adminUrl the host's admin API
     * @param tokenFile the admin token's file
     * @param stdin standard input
     * @param args the command line, without --host and --token-file
     * @return what it printed and its exit code
     */
    public static Cli cli(String adminUrl, Path tokenFile, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--host", adminUrl, "--token-file", tokenFile.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Stops the listeners, then the workers, in the order {@code jworkers serve} does. */
    @Override
    public void close() {
        ingress.close();
        serve.tails().close();
        admin.close();
        serve.close();
    }
}
