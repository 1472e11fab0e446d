package io.jworkers.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jworkers tail NAME}: the live events of a worker's invocations (requests it received,
 * calls through service bindings), one per invocation in {@code wrangler tail}'s shape, streamed
 * from the admin API of serve (with its token) or of dev (its loopback admin listener, without
 * one); filters are applied there. {@code --format json} prints each event as one JSON line;
 * {@code pretty} one line per invocation and its log lines indented under it.
 */
final class TailCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<CommandLine.Option> OPTIONS = List.of(
            new CommandLine.Option("--env", "-e", "NAME", "the environment, default production"),
            new CommandLine.Option("--status", null, "ok|error", "only invocations whose outcome is ok, or only the others"),
            new CommandLine.Option("--method", null, "METHOD", "only requests and binding fetch calls with this HTTP method"),
            new CommandLine.Option("--search", null, "TEXT", "only invocations whose log lines, exceptions or URL contain TEXT"),
            new CommandLine.Option("--format", null, "json|pretty", "one JSON object per line, or readable lines (default)"),
            new CommandLine.Option("--host", null, "URL", "the host's admin API, default " + AdminClient.DEFAULT_HOST
                    + "; jworkers dev's is http://127.0.0.1:8788"),
            new CommandLine.Option("--token-file", null, "FILE", "the admin token, else $" + AdminClient.TOKEN_VARIABLE
                    + "; jworkers dev needs none (with a loopback --host, none is sent)"));

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    TailCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    static String usage() {
        return "Usage: jworkers tail NAME [--env NAME] [--status ok|error] [--method M] [--search TEXT] [--format json|pretty]"
                + " [--host URL] [--token-file FILE]\n\nOptions:\n" + CommandLine.describe(OPTIONS)
                + "\nStreams until Ctrl-C. Authorization, Cookie and Set-Cookie headers and the worker's secret values"
                + " show as REDACTED.\nAgainst jworkers dev: --host http://127.0.0.1:8788 (its Ready line prints the address),"
                + " no token needed.\n";
    }

    int run(List<String> args) {
        CommandLine line = CommandLine.parse("tail", OPTIONS, args);
        if (line.positional().size() != 1) {
            throw new UsageException(line.positional().isEmpty() ? "jworkers tail: which worker? pass its NAME"
                    : "jworkers tail: one worker at a time, not " + line.positional());
        }
        String name = line.positional().get(0);
        String env = line.last("--env").orElse("production");
        String status = line.last("--status").orElse(null);
        if (status != null && !status.equals("ok") && !status.equals("error")) {
            throw new UsageException("jworkers tail: --status is ok or error, not \"" + status + "\"");
        }
        String format = line.last("--format").orElse("pretty");
        if (!format.equals("json") && !format.equals("pretty")) {
            throw new UsageException("jworkers tail: --format is json or pretty, not \"" + format + "\"");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("env", env);
        query.put("status", status);
        query.put("method", line.last("--method").orElse(null));
        query.put("search", line.last("--search").orElse(null));
        String host = line.last("--host").orElse(null);
        AdminClient client = new AdminClient(host == null ? AdminClient.DEFAULT_HOST : host,
                AdminClient.tokenUnlessLoopback("tail", line.last("--token-file").orElse(null), environment, host));
        boolean[] connected = {false};
        client.stream("/v1/workers/" + name + "/tail", query, comment -> {
            if (!connected[0]) {
                connected[0] = true;
                err.println("Connected to " + name + " in " + env + ", waiting for requests... (Ctrl-C to stop)");
            }
        }, (event, data) -> {
            if (event.equals("dropped")) {
                err.println("jworkers tail: " + dropped(data) + " events were dropped: this tail reads slower than the host"
                        + " serves; narrow it with --status, --method or --search");
            } else if (format.equals("json")) {
                out.println(data);
            } else {
                pretty(data);
            }
        });
        throw new AdminClient.AdminException("the host ended the tail (it is shutting down); run jworkers tail again"
                + " once it is back");
    }

    private static long dropped(String data) {
        try {
            return JSON.readTree(data).path("dropped").asLong();
        } catch (IOException e) {
            return 0;
        }
    }

    // Wrangler's pretty format: "GET https://… - Ok @ time" ("RPC check - Ok @ time" for an RPC
    // call through a binding), then the log lines indented.
    private void pretty(String data) {
        JsonNode event;
        try {
            event = JSON.readTree(data);
        } catch (IOException e) {
            out.println(data);
            return;
        }
        JsonNode invocation = event.path("event");
        JsonNode request = invocation.path("request");
        String outcome = switch (event.path("outcome").asText()) {
            case "ok" -> "Ok";
            case "exception" -> "Exception Thrown";
            case "canceled" -> "Canceled";
            default -> event.path("outcome").asText();
        };
        StringBuilder text = new StringBuilder();
        if (invocation.has("rpcMethod")) {
            // A binding's RPC call into the worker: the method in place of the request line.
            text.append("RPC ").append(invocation.path("rpcMethod").asText()).append(" - ").append(outcome);
        } else {
            text.append(request.path("method").asText()).append(' ').append(request.path("url").asText()).append(" - ")
                    .append(outcome);
            if (invocation.has("response")) {
                text.append(' ').append(invocation.path("response").path("status").asInt());
            }
        }
        text.append(" @ ").append(Instant.ofEpochMilli(event.path("eventTimestamp").asLong()))
                .append(" (").append(event.path("wallTime").asLong()).append(" ms, ")
                .append(event.path("scriptName").asText()).append('@').append(event.path("version").asInt()).append(')');
        out.println(text);
        for (JsonNode log : event.path("logs")) {
            StringBuilder message = new StringBuilder();
            for (JsonNode part : log.path("message")) {
                if (!message.isEmpty()) {
                    message.append(' ');
                }
                message.append(part.asText());
            }
            out.println("  (" + log.path("level").asText() + ") " + message);
        }
        for (JsonNode exception : event.path("exceptions")) {
            out.println("  (exception) " + exception.path("name").asText() + ": " + exception.path("message").asText());
        }
    }
}
