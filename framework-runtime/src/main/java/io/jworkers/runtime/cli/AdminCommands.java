package io.jworkers.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jworkers.runtime.build.BuildRunner;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.DotEnvParser;
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
                  jworkers deploy -c CONFIG [--env NAME] [--message M] [--secrets-file FILE] [--take-routes] [--force] [--host URL] [--token-file FILE]
                  jworkers versions NAME [--env NAME] [--host URL] [--token-file FILE]
                  jworkers versions upload -c CONFIG [--env NAME] [--message M] [--secrets-file FILE] [--host URL] [--token-file FILE]
                  jworkers versions deploy NAME VERSION@PERCENT [VERSION@PERCENT] [--env NAME] [--message M] [--force] [--host URL] [--token-file FILE]
                  jworkers rollback NAME [VERSION] [--env NAME] [--force] [--host URL] [--token-file FILE]
                  jworkers check -c CONFIG [--env NAME] [--host URL] [--token-file FILE]   (the deploy checks, RPC contracts included; nothing deployed)
                  jworkers promote NAME [VERSION] --from ENV [--to ENV] [--message M] [--host URL] [--token-file FILE]
                  jworkers secret put NAME KEY [--env NAME] [--create] [--host URL] [--token-file FILE]   (the value is read from stdin)
                  jworkers secret delete NAME KEY [--env NAME] [--host URL] [--token-file FILE]
                  jworkers secret list NAME [--env NAME] [--host URL] [--token-file FILE]
                  jworkers delete NAME [--env NAME] [--host URL] [--token-file FILE]
                  jworkers services [--host URL] [--token-file FILE]
                  jworkers hosts [--host URL] [--token-file FILE]
                """;
    }

    int run(String command, List<String> args) {
        return switch (command) {
            case "deploy" -> deploy(args);
            case "check" -> send(args, Send.CHECK);
            case "versions" -> versions(args);
            case "rollback" -> rollback(args);
            case "promote" -> promote(args);
            case "secret" -> secret(args);
            case "services" -> services(args);
            case "hosts" -> hosts(args);
            case "delete" -> delete(args);
            default -> throw new UsageException("jworkers: unknown command \"" + command + "\"");
        };
    }

    // What a packed bundle is sent for.
    private enum Send { DEPLOY, UPLOAD, CHECK }

    private int deploy(List<String> args) {
        return send(args, Send.DEPLOY);
    }

    // deploy (upload + 100 %), versions upload (no traffic) and check (nothing stored) send a bundle alike.
    private int send(List<String> args, Send kind) {
        boolean upload = kind == Send.UPLOAD;
        String command = switch (kind) {
            case DEPLOY -> "deploy";
            case UPLOAD -> "versions upload";
            case CHECK -> "check";
        };
        List<CommandLine.Option> options = new ArrayList<>(List.of(new CommandLine.Option("--config", "-c", "CONFIG", "the worker's config"),
                new CommandLine.Option("--message", "-m", "TEXT", "a note kept with the version"),
                new CommandLine.Option("--secrets-file", null, "FILE", "secrets to set with this version (dotenv: KEY=value lines)")));
        if (kind == Send.CHECK) {
            options.removeIf(option -> !option.longName().equals("--config"));
        }
        if (kind == Send.DEPLOY) {
            options.add(CommandLine.Option.flag("--take-routes", "move routes another worker serves to this one"));
            options.add(CommandLine.Option.flag("--force", "deploy although it breaks an RPC contract a caller uses (recorded in the message)"));
        }
        CommandLine line = parse(command, args, options.toArray(CommandLine.Option[]::new));
        String config = line.last("--config").orElseThrow(() -> new UsageException("jworkers " + command
                + ": which worker? pass -c path/to/worker.jsonc"));
        String env = line.last("--env").orElse("production");
        Map<String, String> secrets = line.last("--secrets-file").map(file -> DotEnvParser.parse(Path.of(file))).orElse(Map.of());
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
            long limit = BundleLimits.DEFAULT.maxUploadBytes();
            if (Files.size(bundle) > limit) {
                // The host would answer 413 and close while the upload is still being sent.
                throw new AdminClient.AdminException("the bundle of " + resolved.name() + " is " + String.format("%.1f MiB", Files.size(bundle) / 1048576.0)
                        + "; a host takes bundles of at most " + BundleLimits.describe(limit) + ". Leave out what the worker"
                        + " does not load (tests, sources, unused jars) from its classpath");
            }
            if (kind == Send.CHECK) {
                return check(line, resolved.name(), env, bundle);
            }
            out.printf("%s %s to %s (bundle %d KiB%s)...%n", upload ? "Uploading" : "Deploying", resolved.name(), env,
                    Files.size(bundle) / 1024, secrets.isEmpty() ? "" : ", " + secrets.size() + (secrets.size() == 1 ? " secret" : " secrets"));
            Map<String, String> query = new LinkedHashMap<>();
            query.put("env", env);
            query.put("message", line.last("--message").orElse(null));
            query.put("take-routes", line.has("--take-routes") ? "true" : null);
            query.put("force", line.has("--force") ? "true" : null);
            query.put("upload", upload ? "true" : null);
            JsonNode version = client(command, line).deploy("/v1/workers/" + resolved.name() + "/versions", query, secrets, bundle);
            if (upload) {
                out.printf("Uploaded %s version %d to %s (sha256 %s); it takes no traffic until: jworkers versions deploy %s %d@PERCENT%s%n",
                        resolved.name(), version.path("number").asInt(), env, version.path("sha256").asText().substring(0, 12),
                        resolved.name(), version.path("number").asInt(), env.equals("production") ? "" : " --env " + env);
            } else {
                out.printf("Deployed %s version %d to %s (sha256 %s)%n", resolved.name(), version.path("number").asInt(), env,
                        version.path("sha256").asText().substring(0, 12));
            }
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

    // Exit 1 when the bundle would break a contract, so scripts and CI can stop on it.
    private int check(CommandLine line, String name, String env, Path bundle) throws IOException {
        out.printf("Checking %s against %s (bundle %d KiB)...%n", name, env, Files.size(bundle) / 1024);
        JsonNode report = client("check", line).deploy("/v1/workers/" + name + "/check", Map.of("env", env), Map.of(), bundle);
        JsonNode violations = report.path("violations");
        if (violations.isEmpty()) {
            out.printf("The RPC contracts hold: %s as version %d in %s breaks no caller and finds what it calls.%n", name,
                    report.path("version").asInt(), env);
            return 0;
        }
        out.printf("%s as version %d in %s would break %d RPC contract%s (a deploy would be refused):%n", name,
                report.path("version").asInt(), env, violations.size(), violations.size() == 1 ? "" : "s");
        for (JsonNode violation : violations) {
            out.println("  " + violation.asText());
        }
        return 1;
    }

    private int versions(List<String> args) {
        if (!args.isEmpty() && args.get(0).equals("upload")) {
            return send(args.subList(1, args.size()), Send.UPLOAD);
        }
        if (!args.isEmpty() && args.get(0).equals("deploy")) {
            return deploySplit(args.subList(1, args.size()));
        }
        CommandLine line = parse("versions", args);
        String name = positional(line, "versions", 0, "NAME");
        String env = line.last("--env").orElse("production");
        JsonNode answer = client("versions", line).get("/v1/workers/" + name + "/versions", Map.of("env", env));
        int current = answer.path("current").asInt();
        if (answer.path("versions").isEmpty()) {
            throw new AdminClient.AdminException("worker \"" + name + "\" has no versions in " + env
                    + "; jworkers services lists the deployed workers");
        }
        Map<Integer, Integer> shares = new LinkedHashMap<>();
        for (JsonNode share : answer.path("split")) {
            shares.put(share.path("version").asInt(), share.path("percent").asInt());
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"VERSION", "TRAFFIC", "CREATED", "SHA256", "MESSAGE"});
        for (JsonNode version : answer.path("versions")) {
            int number = version.path("number").asInt();
            Integer percent = shares.get(number);
            rows.add(new String[] {number + (number == current ? " *" : ""), percent == null ? "-" : percent + "%",
                    version.path("createdAt").asText(), version.path("sha256").asText().substring(0, 12),
                    version.path("message").asText("")});
        }
        printColumns(rows);
        out.println("(* = current in " + env + ")");
        if (shares.size() == 2) {
            out.println("Traffic is split: " + describe(answer.path("split"))
                    + (answer.path("splitMessage").isTextual() ? " (" + answer.path("splitMessage").asText() + ")" : ""));
        }
        return 0;
    }

    private int deploySplit(List<String> args) {
        CommandLine line = parse("versions deploy", args, new CommandLine.Option("--message", "-m", "TEXT", "a note kept with the deployment"),
                CommandLine.Option.flag("--force", "deploy although it breaks an RPC contract a caller uses (recorded in the message)"));
        String name = positional(line, "versions deploy", 0, "NAME");
        List<String> specs = line.positional().subList(1, line.positional().size());
        if (specs.isEmpty()) {
            throw new UsageException("jworkers versions deploy: which versions? e.g. jworkers versions deploy " + name + " 4@10 3@90");
        }
        try {
            io.jworkers.runtime.deploy.TrafficSplit.parse(specs, null);
        } catch (IllegalArgumentException e) {
            throw new UsageException("jworkers versions deploy: " + e.getMessage());
        }
        String env = line.last("--env").orElse("production");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("env", env);
        query.put("versions", String.join(",", specs));
        query.put("message", line.last("--message").orElse(null));
        query.put("force", line.has("--force") ? "true" : null);
        JsonNode now = client("versions deploy", line).post("/v1/workers/" + name + "/deployments", query,
                HttpRequest.BodyPublishers.noBody());
        out.printf("Deployed %s in %s: %s%n", name, env, describe(now.path("split")));
        return 0;
    }

    // "version 4 at 10 %, version 3 at 90 %"
    private static String describe(JsonNode split) {
        List<String> parts = new ArrayList<>();
        for (JsonNode share : split) {
            parts.add("version " + share.path("version").asInt() + " at " + share.path("percent").asInt() + " %");
        }
        return String.join(", ", parts);
    }

    private int rollback(List<String> args) {
        CommandLine line = parse("rollback", args,
                CommandLine.Option.flag("--force", "roll back although it breaks an RPC contract a caller uses"));
        String name = positional(line, "rollback", 0, "NAME");
        String version = line.positional().size() > 1 ? line.positional().get(1) : null;
        String env = line.last("--env").orElse("production");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("env", env);
        query.put("version", version);
        query.put("force", line.has("--force") ? "true" : null);
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
        CommandLine line = parse("secret", args, CommandLine.Option.flag("--create",
                "set it although the worker is not deployed in the environment yet (its first deploy uses it)"));
        String action = line.positional().isEmpty() ? "" : line.positional().get(0);
        String name = switch (action) {
            case "put", "delete", "list" -> positional(line, "secret " + action, 1, "NAME");
            default -> throw new UsageException("jworkers secret: use jworkers secret put NAME KEY (the value is read from"
                    + " stdin), jworkers secret delete NAME KEY or jworkers secret list NAME");
        };
        String env = line.last("--env").orElse("production");
        if (action.equals("list")) {
            JsonNode answer = client("secret", line).get("/v1/workers/" + name + "/secrets", Map.of("env", env));
            answer.path("secrets").forEach(secret -> out.println(secret.asText()));
            return 0;
        }
        String key = positional(line, "secret " + action, 2, "KEY");
        JsonNode answer;
        if (action.equals("delete")) {
            answer = client("secret", line).delete("/v1/workers/" + name + "/secrets/" + key, Map.of("env", env));
        } else {
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
            Map<String, String> query = new LinkedHashMap<>();
            query.put("env", env);
            query.put("create", line.has("--create") ? "true" : null);
            answer = client("secret", line).put("/v1/workers/" + name + "/secrets/" + key, query, value);
        }
        int version = answer.path("version").asInt();
        String done = action.equals("put") ? "set" : "deleted";
        out.println(version > 0
                ? "Secret " + key + " of " + name + " " + done + " in " + env + ": version " + version + " is live"
                : "Secret " + key + " of " + name + " " + done + " in " + env + " for its first deploy");
        return 0;
    }

    private int delete(List<String> args) {
        CommandLine line = parse("delete", args);
        String name = positional(line, "delete", 0, "NAME");
        String env = line.last("--env").orElse("production");
        client("delete", line).delete("/v1/workers/" + name, Map.of("env", env));
        out.printf("Deleted %s from %s%n", name, env);
        return 0;
    }

    private int services(List<String> args) {
        CommandLine line = parse("services", args);
        JsonNode services = client("services", line).get("/v1/services", Map.of());
        for (JsonNode service : services) {
            List<String> routes = new ArrayList<>();
            String worker = service.path("worker").asText();
            for (JsonNode route : service.path("routes")) {
                String servedBy = route.path("servedBy").asText(worker);
                routes.add(route.path("pattern").asText() + (servedBy.equals(worker) ? "" : " (served by " + servedBy + ")"));
            }
            int version = service.path("version").asInt();
            boolean running = service.path("running").asBoolean();
            // A worker that does not run may not even have a readable config: no routes shown is not "private".
            String reach = routes.isEmpty() ? (running ? "  private" : "") : "  routes " + String.join(", ", routes);
            String split = service.path("split").isTextual() ? "  split " + service.path("split").asText() : "";
            out.printf("%s (%s)  version %s%s  %s%s%n", worker, service.path("environment").asText(),
                    version > 0 ? Integer.toString(version) : "?", split, running ? "running" : "NOT RUNNING", reach);
            if (!service.path("problem").isMissingNode() && !service.path("problem").isNull()) {
                out.printf("  problem: %s%n", service.path("problem").asText());
            }
            List<String> threads = new ArrayList<>();
            service.path("lingeringThreads").forEach(thread -> threads.add(thread.asText()));
            if (!threads.isEmpty()) {
                out.printf("  %d thread%s left by replaced versions, which keep them in memory: %s%n", threads.size(),
                        threads.size() == 1 ? "" : "s", String.join(", ", threads.stream().distinct().toList()));
            }
            for (JsonNode binding : service.path("bindings")) {
                String entrypoint = binding.path("entrypoint").isTextual() ? "#" + binding.path("entrypoint").asText() : "";
                out.printf("  env.%s (%s%s)  Worker  %s [%s]%n", binding.path("name").asText(), binding.path("service").asText(),
                        entrypoint, binding.path("environment").asText(),
                        binding.path("connected").asBoolean() ? "connected" : "not connected");
            }
        }
        return 0;
    }

    private int hosts(List<String> args) {
        CommandLine line = parse("hosts", args);
        JsonNode view = client("hosts", line).get("/v1/hosts", Map.of());
        long revision = view.path("revision").asLong();
        out.println("store revision " + revision);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOST", "ADDRESS", "REVISION", "LAG", "LAST SEEN"});
        for (JsonNode host : view.path("hosts")) {
            rows.add(new String[] {host.path("id").asText().substring(0, Math.min(8, host.path("id").asText().length()))
                    + (host.path("self").asBoolean() ? " (this)" : ""), host.path("address").asText(),
                    Long.toString(host.path("appliedRevision").asLong()), Long.toString(host.path("lag").asLong()),
                    seconds(host.path("silentMillis").asLong()) + " ago"});
        }
        printColumns(rows);
        return 0;
    }

    private static String seconds(long millis) {
        return millis < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0) : (millis / 1000) + " s";
    }

    // Left-aligned columns as wide as their widest cell; the last column is not padded.
    private void printColumns(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                text.append(i < row.length - 1 ? String.format("%-" + (widths[i] + 2) + "s", row[i]) : row[i]);
            }
            out.println(text.toString().stripTrailing());
        }
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
