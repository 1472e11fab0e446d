package io.jworkers.runtime.cli;

import io.jworkers.runtime.build.BuildFailedException;
import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.Spelling;
import io.jworkers.runtime.loader.WorkerLoadException;
import io.jworkers.runtime.unload.CommonPoolThreads;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code jworkers} command line. Exit codes: 0 done, 1 the command failed (bad config, a
 * worker that does not load, a port in use), 2 the command line itself is wrong, 70 a listener of
 * a running host stopped for good (EX_SOFTWARE: a supervisor should start it again).
 */
public final class Main {

    /** The exit code of a host whose listener stopped accepting connections. */
    static final int EXIT_LISTENER_FAILED = 70;

    private static final String USAGE = """
            Usage: jworkers <command> [options]

            Commands:
              init      create a new worker module: jworkers init NAME
              dev       run workers locally in one process; the first config is served on http://127.0.0.1:8787
              serve     the production host: deployed workers, an admin API, state kept on disk
              deploy    upload a worker to a running host as a new version
              versions  list a worker's versions; versions upload (no traffic), versions deploy NAME 4@10 3@90 (a split)
              rollback  make an earlier version current (ends a split)
              check     run a deploy's checks, RPC contracts included, without deploying
              promote   deploy one environment's version to another (staging -> production)
              secret    set, delete or list a worker's secrets (secret put NAME KEY, value on stdin)
              services  every deployed worker with its routes and bound services
              tail      live events of a deployed worker's requests with their log lines (tail NAME)
              hosts     the hosts of the store with the revision each serves and its lag
              store     store migrate: copy a single host's state folder into a PostgreSQL store
              delete    delete a worker from an environment
              version   the version of jworkers and of the Java it runs on (also: jworkers --version)
              help      show this help, or a command's: jworkers help dev

            Run `jworkers <command> --help` for a command's options.
            """;

    private Main() {
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // First: the JDK reads the common pool's thread factory once, when something first uses the pool.
        CommonPoolThreads.install();
        LogSetup.install();
        WorkerOutput.install();
        // Exit explicitly: after a graceful stop on SIGTERM the process must end with 0, not 143.
        System.exit(run(Arrays.asList(args), System.in, System.out, System.err, System.getenv()));
    }

    /**
     * Runs one command. Commands that serve (dev) return only when the process is shutting down.
     *
     * @param args the arguments
     * @param out where results go
     * @param err where errors go
     * @return the exit code
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, InputStream.nullInputStream(), out, err, System.getenv());
    }

    /**
     * Runs one command with its input and environment given.
     *
     * @param args the arguments
     * @param in standard input (the value of {@code secret put})
     * @param out where results go
     * @param err where errors go
     * @param environment the environment variables ({@code JWORKERS_ADMIN_TOKEN})
     * @return the exit code
     */
    public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
        if (args.isEmpty() || args.get(0).equals("help") && args.size() == 1
                || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        if (args.size() == 1 && args.get(0).equals("--version")) {
            return new VersionCommand(out, environment).run();
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        // "versions upload" and "versions deploy" name their errors as the user typed them.
        String named = command.equals("versions") && !rest.isEmpty() && List.of("upload", "deploy").contains(rest.get(0))
                ? command + " " + rest.get(0) : command;
        try {
            if (rest.contains("--help") || rest.contains("-h")) {
                return help(command, out);
            }
            return switch (command) {
                case "init" -> new InitCommand(out, Path.of("").toAbsolutePath()).run(rest);
                case "dev" -> new DevCommand(out, err).run(rest);
                case "serve" -> new ServeCommand(out, err, environment).run(rest);
                case "store" -> new StoreCommand(out, err, environment).run(rest);
                case "deploy", "versions", "rollback", "promote", "secret", "services", "hosts", "delete", "check" -> new AdminCommands(in, out, environment).run(command, rest);
                case "tail" -> new TailCommand(out, err, environment).run(rest);
                case "version" -> new VersionCommand(out, environment).run(rest);
                case "help" -> help(rest.get(0), out);
                default -> throw new UsageException("jworkers: unknown command \"" + command + "\"" + Spelling.hint(command,
                        List.of("init", "dev", "serve", "store", "deploy", "versions", "rollback", "promote", "secret", "services", "check",
                                "tail", "hosts", "delete", "version", "help")));
            };
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.println();
            err.print(usageOf(command)); // the options of the command at hand, else the list of commands
            return 2;
        } catch (ConfigException | WorkerLoadException | AdminClient.AdminException | BuildFailedException e) {
            err.println("jworkers " + named + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // e.g. the port is taken: say what failed and why, without a stack trace.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("jworkers " + named + ": " + e.getMessage()
                    + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : ""));
            return 1;
        }
    }

    private static String usageOf(String command) {
        return switch (command) {
            case "dev" -> DevCommand.usage();
            case "serve" -> ServeCommand.usage();
            case "store" -> StoreCommand.usage();
            case "deploy", "versions", "rollback", "promote", "secret", "services", "hosts", "delete", "check" -> AdminCommands.usage();
            case "tail" -> TailCommand.usage();
            case "version" -> VersionCommand.usage();
            default -> USAGE;
        };
    }

    private static int help(String command, PrintStream out) {
        return switch (command) {
            case "init" -> {
                out.print(InitCommand.usage());
                yield 0;
            }
            case "dev" -> {
                out.print(DevCommand.usage());
                yield 0;
            }
            case "serve" -> {
                out.print(ServeCommand.usage());
                yield 0;
            }
            case "store" -> {
                out.print(StoreCommand.usage());
                yield 0;
            }
            case "deploy", "versions", "rollback", "promote", "secret", "services", "hosts", "delete", "check" -> {
                out.print(AdminCommands.usage());
                yield 0;
            }
            case "tail" -> {
                out.print(TailCommand.usage());
                yield 0;
            }
            case "version" -> {
                out.print(VersionCommand.usage());
                yield 0;
            }
            default -> throw new UsageException("jworkers help: unknown command \"" + command + "\"");
        };
    }
}
