package io.jworkers.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jworkers.runtime.build.BuildRunner;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.WorkerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands that talk to a running {@code jworkers serve} through its admin API:
 * {@code deploy}, {@code versions}, {@code rollback}, {@code promote}, {@code secret put} and {@code services}.
 */
final class AdminCommands {

    private static final CommandLine.Option HOST = new CommandLine.Option("--host", null, "URL",
            "the host's admin API, default " + AdminClient.DEFAULT_HOST);
    private static final CommandLine.Option TOKEN_FILE = new CommandLine.Option("--token-file", null, "FILE",
            "the admin token, else $" + AdminClient.TOKEN_VARIABLE);
    private static final CommandLine.Option ENV = new CommandLine.Option("--env", "-e", "NAME",
            "the environment, default production");

    private final InputStream in;
    private final PrintStream out;
    private final Map<String, String> environment;

    AdminCommands(InputStream in, PrintStream out, Map<String, String> environment) {
        this.in = in;
        this.out = out;
        this.environment = environment;
    }

    static String usage() {
        return """
                Usage:
                  jworkers deploy -c CONFIG [--env NAME] [--message M] [--host URL] [--token-file FILE]
                  jworkers versions NAME [--env NAME] [--host URL] [--token-file FILE]
                  jworkers rollback NAME [VERSION] [--env NAME] [--host URL] [--token-file FILE]
                  jworkers promote NAME [VERSION] --from ENV [--to ENV] [--message M] [--host URL] [--token-file FILE]
                  jworkers secret put NAME KEY [--env NAME] [--host URL] [--token-file FILE]   (the value is read from stdin)
                  jworkers services [--host URL] [--token-file FILE]
                """;
    }

    int run(String command, List<String> args) {
        return switch (command) {
            case "deploy" -> deploy(args);
            case "versions" -> versions(args);
            case "rollback" -> rollback(args);
            case "promote" -> promote(args);
            case "secret" -> secret(args);
            case "services" -> services(args);
            default -> throw new UsageException("jworkers: unknown command \"" + command + "\"");
        };
    }

    private int deploy(List<String> args) {
        CommandLine line = parse("deploy", args, new CommandLine.Option("--config", "-c", "CONFIG", "the worker's config"),
                new CommandLine.Option("--message", "-m", "TEXT", "a note kept with the version"));
        String config = line.last("--config").orElseThrow(() -> new UsageException("jworkers deploy: which worker? pass -c path/to/worker.jsonc"));
        String env = line.last("--env").orElse("production");
        // Wrangler's order: the build runs first, so what is packed is what the sources say now.
        ConfigLoader.build(Path.of(config), env.equals("production") ? null : env).ifPresent(build -> BuildRunner.run(build, out));
        WorkerConfig resolved = ConfigLoader.load(Path.of(config), env.equals("production") ? null : env);
        Path bundle;
        try {
            bundle = Files.createTempFile("jworkers-bundle", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            WorkerBundle.write(resolved, bundle);
            out.printf("Deploying %s to %s (bundle %d KiB)...%n", resolved.name(), env, Files.size(bundle) / 1024);
            Map<String, String> query = new LinkedHashMap<>();
            query.put("env", env);
            query.put("message", line.last("--message").orElse(null));
            JsonNode version = client("deploy", line).post("/v1/workers/" + resolved.name() + "/versions", query,
                    HttpRequest.BodyPublishers.ofFile(bundle));
            out.printf("Deployed %s version %d to %s (sha256 %s)%n", resolved.name(), version.path("number").asInt(), env,
                    version.path("sha256").asText().substring(0, 12));
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(bundle);
            } catch (IOException ignored) {
                // A temp file.
            }
        }
    }

    private int versions(List<String> args) {
        CommandLine line = parse("versions", args);
        String name = positional(line, "versions", 0, "NAME");
        String env = line.last("--env").orElse("production");
        JsonNode answer = client("versions", line).get("/v1/workers/" + name + "/versions", Map.of("env", env));
        int current = answer.path("current").asInt();
        if (answer.path("versions").isEmpty()) {
            throw new AdminClient.AdminException("worker \"" + name + "\" has no versions in " + env
                    + "; jworkers services lists the deployed workers");
        }
        out.printf("%-8s %-25s %-13s %s%n", "VERSION", "CREATED", "SHA256", "MESSAGE");
        for (JsonNode version : answer.path("versions")) {
            int number = version.path("number").asInt();
            out.printf("%-8s %-25s %-13s %s%n", number + (number == current ? " *" : ""), version.path("createdAt").asText(),
                    version.path("sha256").asText().substring(0, 12), version.path("message").asText(""));
        }
        out.println("(* = current in " + env + ")");
        return 0;
    }

    private int rollback(List<String> args) {
        CommandLine line = parse("rollback", args);
        String name = positional(line, "rollback", 0, "NAME");
        String version = line.positional().size() > 1 ? line.positional().get(1) : null;
        String env = line.last("--env").orElse("production");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("env", env);
        query.put("version", version);
        JsonNode now = client("rollback", line).post("/v1/workers/" + name + "/rollback", query,
                HttpRequest.BodyPublishers.noBody());
        out.printf("Rolled back %s in %s: version %d is current%n", name, env, now.path("number").asInt());
        return 0;
    }

    // The code of FROM's version with TO's own settings: see ServeHost.promote.
    private int promote(List<String> args) {
        CommandLine line = parse("promote", args,
                new CommandLine.Option("--from", null, "ENV", "the environment whose version is promoted"),
                new CommandLine.Option("--to", null, "ENV", "the environment that gets it, default production"),
                new CommandLine.Option("--message", "-m", "TEXT", "a note kept with the new version"));
        String name = positional(line, "promote", 0, "NAME");
        if (line.last("--env").isPresent()) {
            throw new UsageException("jworkers promote: a promotion has two environments; name them with --from ENV and --to ENV");
        }
        String from = line.last("--from").orElseThrow(() -> new UsageException(
                "jworkers promote: from which environment? pass --from ENV (e.g. --from staging)"));
        String to = line.last("--to").orElse("production");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", from);
        query.put("to", to);
        query.put("version", line.positional().size() > 1 ? line.positional().get(1) : null);
        query.put("message", line.last("--message").orElse(null));
        out.printf("Promoting %s from %s to %s...%n", name, from, to);
        JsonNode now = client("promote", line).post("/v1/workers/" + name + "/promote", query,
                HttpRequest.BodyPublishers.noBody());
        out.printf("Promoted %s: version %d is current in %s (%s)%n", name, now.path("number").asInt(), to,
                now.path("message").asText(""));
        return 0;
    }

    private int secret(List<String> args) {
        CommandLine line = parse("secret", args);
        if (line.positional().isEmpty() || !line.positional().get(0).equals("put")) {
            throw new UsageException("jworkers secret: use jworkers secret put NAME KEY (the value is read from stdin)");
        }
        String name = positional(line, "secret put", 1, "NAME");
        String key = positional(line, "secret put", 2, "KEY");
        String env = line.last("--env").orElse("production");
        String value;
        try {
            value = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (value.isEmpty()) {
            throw new UsageException("jworkers secret put: the value comes from stdin, which was empty (e.g. echo -n VALUE | jworkers secret put "
                    + name + " " + key + ")");
        }
        client("secret", line).put("/v1/workers/" + name + "/secrets/" + key, Map.of("env", env), value);
        out.printf("Secret %s of %s set in %s%n", key, name, env);
        return 0;
    }

    private int services(List<String> args) {
        CommandLine line = parse("services", args);
        JsonNode services = client("services", line).get("/v1/services", Map.of());
        for (JsonNode service : services) {
            List<String> routes = new ArrayList<>();
            service.path("routes").forEach(route -> routes.add(route.asText()));
            out.printf("%s (%s)  version %d  %s  %s%n", service.path("worker").asText(), service.path("environment").asText(),
                    service.path("version").asInt(), service.path("running").asBoolean() ? "running" : "NOT RUNNING",
                    routes.isEmpty() ? "private" : "routes " + String.join(" ", routes));
            for (JsonNode binding : service.path("bindings")) {
                out.printf("  env.%s (%s)  Worker  %s [%s]%n", binding.path("name").asText(), binding.path("service").asText(),
                        binding.path("environment").asText(), binding.path("connected").asBoolean() ? "connected" : "not connected");
            }
        }
        return 0;
    }

    private CommandLine parse(String command, List<String> args, CommandLine.Option... extra) {
        List<CommandLine.Option> options = new ArrayList<>(List.of(HOST, TOKEN_FILE, ENV));
        options.addAll(List.of(extra));
        return CommandLine.parse(command, options, args);
    }

    private AdminClient client(String command, CommandLine line) {
        return new AdminClient(line.last("--host").orElse(AdminClient.DEFAULT_HOST),
                AdminClient.token(command, line.last("--token-file").orElse(null), environment));
    }

    private static String positional(CommandLine line, String command, int index, String name) {
        if (line.positional().size() <= index) {
            throw new UsageException("jworkers " + command + ": missing " + name);
        }
        return line.positional().get(index);
    }
}
