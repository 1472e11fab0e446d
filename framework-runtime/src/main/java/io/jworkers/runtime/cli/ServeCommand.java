package io.jworkers.runtime.cli;

import io.jworkers.runtime.http.ConnectionLimits;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.deploy.FolderStore;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.postgres.PostgresStore;
import io.jworkers.runtime.deploy.postgres.StoreUrl;
import io.jworkers.runtime.serve.AdminServer;
import io.jworkers.runtime.serve.AdminTokenFile;
import io.jworkers.runtime.serve.ServeHost;
import io.jworkers.runtime.serve.StoreFollower;
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
            new CommandLine.Option("--state", "-s", "DIR", "the state folder of a single host: deployments, versions, secrets"),
            new CommandLine.Option("--store", null, "URL", "the PostgreSQL store several hosts share, postgresql://USER@HOST:PORT/DB"
                    + " or a JDBC URL (instead of --state)"),
            StoreOptions.PASSWORD_FILE,
            StoreOptions.SECRET_KEY_FILE,
            new CommandLine.Option("--cache", null, "DIR", "where a host of a store keeps bundles, default ~/.cache/jworkers"),
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
                    + " (the admin API: an eighth, at most " + ConnectionLimits.ADMIN_CAP + ")"),
            OtlpOption.OPTION, AccessLogOption.MODE, AccessLogOption.FILE);

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    ServeCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    static String usage() {
        return "Usage: jworkers serve --state DIR [--port 8080] [--admin-port 9090] [--token-file FILE] [--max-connections N]\n"
                + "                      [--otlp-endpoint URL] [--access-log off|console|file] [--access-log-file PATH]\n"
                + "       jworkers serve --store postgresql://USER@HOST:PORT/DB [--secret-key-file FILE] [--cache DIR] [...]\n\n"
                + CommandLine.describe(OPTIONS);
    }

    int run(List<String> args) {
        CommandLine line = CommandLine.parse("serve", OPTIONS, args);
        Optional<String> state = line.last("--state");
        Optional<String> storeUrl = line.last("--store");
        if (state.isPresent() == storeUrl.isPresent()) {
            throw new UsageException(state.isPresent() ? "jworkers serve: give --state DIR (one host) or --store URL (several"
                    + " hosts), not both" : "jworkers serve: --state DIR or --store URL is required (where deployments are kept)");
        }
        IngressSettings settings = DevCommand.maxConnections("serve", line, DevCommand.clientTimeouts("serve", line,
                IngressSettings.defaults(line.last("--ip").orElse("0.0.0.0"), line.intValue("serve", "--port", 8080, 0, 65535))
                        .withMaxBodyBytes(line.last("--max-body").map(size -> DevCommand.parseSize("serve", size))
                                .orElse(IngressSettings.DEFAULT_MAX_BODY_BYTES))));
        AccessLogOption.check("serve", line);
        String token = serveToken(line);
        AdminServer.checkToken(token);
        String adminIp = line.last("--admin-ip").orElse("127.0.0.1");
        if (!isLoopback(adminIp)) {
            System.getLogger("jworkers.admin").log(System.Logger.Level.WARNING, "the admin API listens on " + adminIp
                    + " without TLS: the admin token and secrets cross the network in clear text. Keep it on 127.0.0.1"
                    + " and reach it through an SSH tunnel or a TLS-terminating proxy.");
        }
        // Helidon's first server of the JVM is built ahead while the state is read and the workers load.
        io.jworkers.runtime.http.HelidonWarmup.inBackground();
        StateStore store = state.isPresent() ? openFolder(Path.of(state.get())) : openStore(line, storeUrl.get());
        ServeHost serve = ServeHost.open(store, BundleLimits.DEFAULT);
        AccessLogOption.Opened accessLog;
        io.jworkers.runtime.trace.SpanSink spans;
        IngressServer ingress;
        try {
            accessLog = AccessLogOption.open("serve", line);
        } catch (RuntimeException e) {
            serve.close();
            throw e;
        }
        try {
            spans = OtlpOption.start("serve", line);
        } catch (RuntimeException e) {
            serve.close();
            accessLog.close();
            throw e;
        }
        try {
            ingress = IngressServer.start(settings.withAccessLog(accessLog.log()), serve, serve.host().requests(),
                    serve.host().metrics(), spans);
        } catch (RuntimeException e) {
            serve.close();
            OtlpOption.close(spans);
            accessLog.close();
            throw e;
        }
        AdminServer admin;
        try {
            admin = AdminServer.start(adminIp, line.intValue("serve", "--admin-port", 9090, 0, 65535), serve, token,
                    settings.readTimeout(), settings.idleTimeout());
        } catch (RuntimeException e) {
            ingress.close();
            serve.close();
            OtlpOption.close(spans);
            accessLog.close();
            throw e;
        }
        serve.identify("http://" + adminIp + ":" + admin.port());
        StoreFollower follower = StoreFollower.start(serve, store);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger();
        Runnable stop = GracefulShutdown.onSignals(() -> {
            out.println("jworkers serve: stopping (in-flight requests and waitUntil work get "
                    + settings.shutdownGrace().toSeconds() + " s)...");
            // Not ready first, so load balancers stop sending while in-flight requests finish; the
            // admin listener answers the probes until the drain is over.
            serve.beginDrain();
            ingress.close();
            // After the drain (its requests' events still reach the tails), before the admin
            // listener stops: open tails end as a shutdown, not as a broken connection.
            serve.tails().close();
            admin.close();
            follower.close();
            serve.close();
            OtlpOption.close(spans);
            accessLog.close();
            stopped.countDown();
        });
        ingress.whenListenerFails(reason -> DevCommand.exitOnFailure("serve", reason, err, exitCode, stop));
        admin.whenListenerFails(reason -> DevCommand.exitOnFailure("serve", reason, err, exitCode, stop));
        try {
            List<io.jworkers.runtime.serve.ServiceView> services = serve.services();
            long broken = services.stream().filter(service -> service.problem() != null).count();
            out.println(services.size() + " worker environments deployed" + (broken == 0 ? ""
                    : ", " + broken + " not running (logged above; jworkers services shows why; a deploy repairs it)")
                    + (store.shared() ? " (store revision " + serve.appliedRevision() + ")" : ""));
        } catch (StoreUnreachableException e) {
            out.println("The state store is unreachable: " + (serve.caughtUp() ? "serving the snapshot of revision "
                    + serve.appliedRevision() : "nothing to serve yet, not ready") + " until it can be reached");
        }
        out.println("Serving on http://" + settings.host() + ":" + ingress.port() + "; admin API on http://"
                + adminIp + ":" + admin.port() + (accessLog.describe().isEmpty() ? "" : "; " + accessLog.describe()));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCode.get();
    }

    private StateStore openFolder(Path state) {
        out.println("jworkers serve: opening " + state.toAbsolutePath() + "...");
        return FolderStore.open(state);
    }

    // The store's password and secret key from files (or the environment), never from the command line.
    private StateStore openStore(CommandLine line, String url) {
        StoreUrl address = StoreUrl.parse(url);
        String password = StoreOptions.password("serve", line, environment);
        SecretCipher cipher = StoreOptions.cipher(line, environment);
        Path cache = line.last("--cache").map(Path::of).orElseGet(ServeCommand::defaultCache);
        out.println("jworkers serve: opening the store " + address.display() + " (bundle cache " + cache.toAbsolutePath() + ")...");
        return PostgresStore.open(address, password, cipher, cache, BundleLimits.DEFAULT);
    }

    private static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("jworkers");
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
