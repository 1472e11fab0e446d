package io.jworkers.runtime.cli;

import io.jworkers.runtime.http.ConnectionLimits;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.serve.AdminServer;
import io.jworkers.runtime.serve.AdminTokenFile;
import io.jworkers.runtime.serve.ServeHost;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code jworkers serve}: the production host. It serves the routes of the deployed workers and
 * takes deploys, rollbacks and secrets through the admin API, on its own listener and behind a
 * bearer token. Deployments live in the state folder and survive restarts.
 */
final class ServeCommand {

    private static final List<CommandLine.Option> OPTIONS = List.of(
            new CommandLine.Option("--state", "-s", "DIR", "the state folder: deployments, versions, secrets (required)"),
            new CommandLine.Option("--port", "-p", "PORT", "public port, default 8080; 0 picks a free one"),
            new CommandLine.Option("--ip", null, "ADDRESS", "public address, default 0.0.0.0"),
            new CommandLine.Option("--admin-port", null, "PORT", "admin API port, default 9090; 0 picks a free one"),
            new CommandLine.Option("--admin-ip", null, "ADDRESS", "admin API address, default 127.0.0.1"),
            new CommandLine.Option("--token-file", null, "FILE", "the admin token (a missing file is created with a new one),"
                    + " else $" + AdminClient.TOKEN_VARIABLE),
            new CommandLine.Option("--max-body", null, "SIZE", "largest request body, default 100MiB"),
            new CommandLine.Option("--read-timeout", null, "TIME", DevCommand.READ_TIMEOUT_HELP),
            new CommandLine.Option("--idle-timeout", null, "TIME", DevCommand.IDLE_TIMEOUT_HELP),
            new CommandLine.Option("--max-connections", null, "N", DevCommand.MAX_CONNECTIONS_HELP
                    + " (the admin API: an eighth, at most " + ConnectionLimits.ADMIN_CAP + ")"));

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    ServeCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    static String usage() {
        return "Usage: jworkers serve --state DIR [--port 8080] [--admin-port 9090] [--token-file FILE] [--max-connections N]\n\n"
                + CommandLine.describe(OPTIONS);
    }

    int run(List<String> args) {
        CommandLine line = CommandLine.parse("serve", OPTIONS, args);
        Path state = line.last("--state").map(Path::of)
                .orElseThrow(() -> new UsageException("jworkers serve: --state DIR is required (where deployments are kept)"));
        IngressSettings settings = DevCommand.maxConnections("serve", line, DevCommand.clientTimeouts("serve", line,
                IngressSettings.defaults(line.last("--ip").orElse("0.0.0.0"), line.intValue("serve", "--port", 8080, 0, 65535))
                        .withMaxBodyBytes(line.last("--max-body").map(size -> DevCommand.parseSize("serve", size))
                                .orElse(IngressSettings.DEFAULT_MAX_BODY_BYTES))));
        String token = serveToken(line);
        AdminServer.checkToken(token);
        String adminIp = line.last("--admin-ip").orElse("127.0.0.1");
        if (!isLoopback(adminIp)) {
            System.getLogger("jworkers.admin").log(System.Logger.Level.WARNING, "the admin API listens on " + adminIp
                    + " without TLS: the admin token and secrets cross the network in clear text. Keep it on 127.0.0.1"
                    + " and reach it through an SSH tunnel or a TLS-terminating proxy.");
        }
        out.println("jworkers serve: opening " + state.toAbsolutePath() + "...");
        ServeHost serve = ServeHost.open(state);
        IngressServer ingress = IngressServer.start(settings, serve, serve.host().requests());
        AdminServer admin;
        try {
            admin = AdminServer.start(adminIp, line.intValue("serve", "--admin-port", 9090, 0, 65535), serve, token,
                    settings.readTimeout(), settings.idleTimeout());
        } catch (RuntimeException e) {
            ingress.close();
            serve.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger();
        Runnable stop = GracefulShutdown.onSignals(() -> {
            out.println("jworkers serve: stopping (in-flight requests and waitUntil work get "
                    + settings.shutdownGrace().toSeconds() + " s)...");
            admin.close();
            ingress.close();
            serve.close();
            stopped.countDown();
        });
        ingress.whenListenerFails(reason -> DevCommand.exitOnFailure("serve", reason, err, exitCode, stop));
        admin.whenListenerFails(reason -> DevCommand.exitOnFailure("serve", reason, err, exitCode, stop));
        List<io.jworkers.runtime.serve.ServiceView> services = serve.services();
        long broken = services.stream().filter(service -> service.problem() != null).count();
        out.println(services.size() + " worker environments deployed" + (broken == 0 ? ""
                : ", " + broken + " not running (logged above; jworkers services shows why; a deploy repairs it)"));
        out.println("Serving on http://" + settings.host() + ":" + ingress.port() + "; admin API on http://"
                + adminIp + ":" + admin.port());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCode.get();
    }

    private static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    // --token-file (created with a new token when missing), else $JWORKERS_ADMIN_TOKEN, which every
    // worker of the process could read with System.getenv().
    private String serveToken(CommandLine line) {
        System.Logger log = System.getLogger("jworkers.admin");
        Optional<String> file = line.last("--token-file");
        if (file.isPresent()) {
            return AdminTokenFile.readOrCreate(Path.of(file.get()), message -> log.log(System.Logger.Level.INFO, message),
                    message -> log.log(System.Logger.Level.WARNING, message));
        }
        String token = AdminClient.token("serve", null, environment);
        log.log(System.Logger.Level.WARNING, "the admin token comes from $" + AdminClient.TOKEN_VARIABLE + ", which every"
                + " worker in this process can read with System.getenv(); prefer --token-file FILE (mode 600)");
        return token;
    }
}
