package io.jworkers.runtime.cli;

import io.jworkers.runtime.config.DevWorkspace;
import io.jworkers.runtime.dev.DevAdminServer;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.http.ConnectionLimits;
import io.jworkers.runtime.http.IngressSettings;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalUnit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code jworkers dev}: every given worker in one process, the first served on a local port, and
 * an admin listener on 127.0.0.1 with the dashboard (no login, read-only), metrics and live tails.
 * Without {@code -c}, it runs {@code worker.jsonc} / {@code worker.toml} of the current folder,
 * or else the configs listed by a {@code jworkers.jsonc} there.
 */
final class DevCommand {

    static final int DEFAULT_PORT = 8787;
    static final String DEFAULT_IP = "127.0.0.1";
    static final String READ_TIMEOUT_HELP = "drop a client whose request head takes longer, or whose body pauses longer"
            + " (408), e.g. 30s (the default) or 500ms";
    static final String IDLE_TIMEOUT_HELP = "close a keep-alive connection idle this long, default 75s";
    static final String MAX_CONNECTIONS_HELP = "most connections open at once, more wait to be accepted; default half"
            + " the open-file limit, at most " + ConnectionLimits.PUBLIC_CAP;

    private static final List<CommandLine.Option> OPTIONS = List.of(
            new CommandLine.Option("--config", "-c", "CONFIG", "a worker config (repeat for more; the first is the primary)"),
            new CommandLine.Option("--port", "-p", "PORT", "port of the primary worker, default 8787; 0 picks a free one"),
            new CommandLine.Option("--ip", null, "ADDRESS", "address to listen on, default 127.0.0.1"),
            new CommandLine.Option("--env", "-e", "NAME", "use the configs' env.NAME blocks and .dev.vars.NAME"),
            new CommandLine.Option("--max-body", null, "SIZE", "largest request body, e.g. 100MiB (the default) or 2GiB; larger gets 413"),
            new CommandLine.Option("--read-timeout", null, "TIME", READ_TIMEOUT_HELP),
            new CommandLine.Option("--idle-timeout", null, "TIME", IDLE_TIMEOUT_HELP),
            new CommandLine.Option("--max-connections", null, "N", MAX_CONNECTIONS_HELP),
            new CommandLine.Option("--admin-port", null, "PORT", "port of the admin listener on 127.0.0.1 (the dashboard at /,"
                    + " GET /metrics, the live tail), default "
                    + DevAdminServer.DEFAULT_PORT + "; 0 picks a free one"),
            OtlpOption.OPTION, AccessLogOption.MODE, AccessLogOption.FILE);

    private final PrintStream out;
    private final PrintStream err;

    DevCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static String usage() {
        return "Usage: jworkers dev [-c CONFIG]... [--port 8787] [--ip 127.0.0.1] [--env NAME] [--max-body SIZE]\n"
                + "                    [--read-timeout 30s] [--idle-timeout 75s] [--max-connections N] [--admin-port 8788]\n"
                + "                    [--otlp-endpoint URL] [--access-log off|console|file] [--access-log-file PATH]\n\n"
                + "Runs workers in one process. Without -c: ./worker.jsonc (or .toml), else the \"dev\" list of ./jworkers.jsonc.\n"
                + "A worker whose config has \"build\" is built first, and again when a file under its watch_dir changes;\n"
                + "a worker reloads when its classes change.\n\n"
                + CommandLine.describe(OPTIONS);
    }

    int run(List<String> args) {
        CommandLine line = CommandLine.parse("dev", OPTIONS, args);
        if (!line.positional().isEmpty()) {
            throw new UsageException("jworkers dev: unexpected argument \"" + line.positional().get(0)
                    + "\" (configs are given with -c)");
        }
        int port = line.intValue("dev", "--port", DEFAULT_PORT, 0, 65535);
        int adminPort = line.intValue("dev", "--admin-port", DevAdminServer.DEFAULT_PORT, 0, 65535);
        String ip = line.last("--ip").orElse(DEFAULT_IP);
        String environment = line.last("--env").orElse(null);

        // Every option is checked before any file is looked for.
        IngressSettings settings = maxConnections("dev", line, clientTimeouts("dev", line, IngressSettings.defaults(ip, port)
                .withMaxBodyBytes(line.last("--max-body").map(size -> parseSize("dev", size)).orElse(IngressSettings.DEFAULT_MAX_BODY_BYTES))));
        AccessLogOption.check("dev", line);
        List<Path> configs = line.all("--config").stream().map(Path::of).toList();
        if (configs.isEmpty()) {
            configs = defaultConfigs();
        }
        out.println("jworkers dev: loading " + configs.size() + (configs.size() == 1 ? " worker" : " workers")
                + (environment == null ? "" : " (environment " + environment + ")") + "...");
        AccessLogOption.Opened accessLog = AccessLogOption.open("dev", line);
        io.jworkers.runtime.trace.SpanSink spans;
        DevServer server;
        try {
            spans = OtlpOption.start("dev", line);
        } catch (RuntimeException e) {
            accessLog.close();
            throw e;
        }
        try {
            server = DevServer.start(configs, environment, settings.withAccessLog(accessLog.log()), out, spans);
        } catch (RuntimeException | Error e) {
            OtlpOption.close(spans);
            accessLog.close();
            throw e;
        }
        DevAdminServer admin;
        try {
            admin = startAdmin(server, adminPort, line.last("--admin-port").isPresent());
        } catch (RuntimeException e) {
            server.close();
            OtlpOption.close(spans);
            accessLog.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger();
        Runnable stop = GracefulShutdown.onSignals(() -> {
            out.println("jworkers dev: stopping (in-flight requests and waitUntil work get "
                    + settings.shutdownGrace().toSeconds() + " s)...");
            server.close();
            OtlpOption.close(spans);
            accessLog.close();
            stopped.countDown();
        });
        server.whenListenerFails(reason -> exitOnFailure("dev", reason, err, exitCode, stop));
        admin.whenListenerFails(reason -> exitOnFailure("dev", reason, err, exitCode, stop));
        server.watchForChanges(out);
        out.print(server.bindingReport());
        if (accessLog.log() != io.jworkers.runtime.http.AccessLog.CONSOLE) {
            out.println("jworkers dev: " + accessLog.describe());
        }
        out.println("Ready on " + server.url() + " (workers reload when their classes change); dashboard on "
                + admin.url() + "/ (metrics at /metrics)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCode.get();
    }

    // The default admin port may be taken by another dev on this machine (or a test's): then any
    // free port will do, and the Ready line says which. A port given with --admin-port must be that one.
    private DevAdminServer startAdmin(DevServer server, int port, boolean chosen) {
        try {
            return server.startAdmin(port, routing -> { });
        } catch (IllegalStateException e) {
            if (chosen) {
                throw e;
            }
            out.println("jworkers dev: admin port " + port + " is in use; the admin listener takes a free port");
            return server.startAdmin(0, routing -> { });
        }
    }

    // A listener that stopped for good leaves a host that cannot be reached: say so, stop, and exit
    // with EX_SOFTWARE so that a supervisor (systemd, Kubernetes) starts a fresh one.
    static void exitOnFailure(String command, String reason, PrintStream err, AtomicInteger exitCode, Runnable stop) {
        err.println("jworkers " + command + ": " + reason + "; exiting with status " + Main.EXIT_LISTENER_FAILED
                + " so that a supervisor restarts the host");
        err.flush();
        exitCode.set(Main.EXIT_LISTENER_FAILED);
        stop.run();
    }

    // --max-connections, shared with serve.
    static IngressSettings maxConnections(String command, CommandLine line, IngressSettings settings) {
        return settings.withMaxConnections(line.intValue(command, "--max-connections", settings.maxConnections(), 1,
                1_000_000));
    }

    // 100MiB, 2GiB, 512KiB or plain bytes.
    static long parseSize(String command, String text) {
        String value = text.trim();
        long unit = 1;
        for (String[] suffix : new String[][] {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}}) {
            if (value.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                value = value.substring(0, value.length() - suffix[0].length()).trim();
                break;
            }
        }
        try {
            long size = Long.parseLong(value) * unit;
            if (size > 0) {
                return size;
            }
        } catch (NumberFormatException ignored) {
            // Reported below.
        }
        throw new UsageException("jworkers " + command + ": --max-body must be a size such as 100MiB, 2GiB or 1048576, got \"" + text + "\"");
    }

    // --read-timeout and --idle-timeout, shared with serve.
    static IngressSettings clientTimeouts(String command, CommandLine line, IngressSettings settings) {
        return settings.withClientTimeouts(
                line.last("--read-timeout").map(t -> parseDuration(command, "--read-timeout", t)).orElse(settings.readTimeout()),
                line.last("--idle-timeout").map(t -> parseDuration(command, "--idle-timeout", t)).orElse(settings.idleTimeout()));
    }

    // 30s, 500ms, 2m, or plain seconds.
    static Duration parseDuration(String command, String option, String text) {
        String value = text.trim();
        TemporalUnit unit = ChronoUnit.SECONDS;
        for (Object[] suffix : new Object[][] {{"ms", ChronoUnit.MILLIS}, {"s", ChronoUnit.SECONDS}, {"m", ChronoUnit.MINUTES}}) {
            if (value.endsWith((String) suffix[0])) {
                unit = (TemporalUnit) suffix[1];
                value = value.substring(0, value.length() - ((String) suffix[0]).length()).trim();
                break;
            }
        }
        try {
            long amount = Long.parseLong(value);
            if (amount > 0) {
                return Duration.of(amount, unit);
            }
        } catch (NumberFormatException ignored) {
            // Reported below.
        }
        throw new UsageException("jworkers " + command + ": " + option + " must be a time such as 30s, 500ms or 2m, got \""
                + text + "\"");
    }

    private static List<Path> defaultConfigs() {
        Path here = Path.of("").toAbsolutePath();
        for (String name : List.of("worker.jsonc", "worker.json", "worker.toml")) {
            if (Files.isRegularFile(here.resolve(name))) {
                return List.of(here.resolve(name));
            }
        }
        try {
            return DevWorkspace.find(here).orElseThrow(() -> new UsageException(
                    "jworkers dev: no worker config given and none found in " + here
                            + " (looked for worker.jsonc, worker.toml and jworkers.jsonc); pass -c path/to/worker.jsonc"));
        } catch (UncheckedIOException e) {
            throw new UsageException("jworkers dev: cannot read " + here + ": " + e.getMessage());
        }
    }
}
