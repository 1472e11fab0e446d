package io.jworkers.runtime.tail;

import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.jworkers.api.Env;
import io.jworkers.runtime.worker.LoadedWorker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One invocation as {@code wrangler tail} shows it: outcome, worker, version, entrypoint, the
 * request (its secrets redacted), the response status, the worker's log lines and exceptions,
 * the time it took. Built as plain maps and lists, written as JSON by the admin API.
 *
 * <pre>{@code
 * {"outcome":"ok","scriptName":"hello","environment":"production","version":1,"scriptVersion":{"id":"production/1"},"entrypoint":"HelloWorker",
 *  "requestId":"…","event":{"request":{"method":"GET","url":"http://127.0.0.1:8080/hi",
 *  "headers":{"authorization":"REDACTED","host":"127.0.0.1:8080"}},"response":{"status":200}},
 *  "logs":[{"message":["hello"],"level":"log","timestamp":1767000000000}],"exceptions":[],
 *  "eventTimestamp":1767000000000,"wallTime":3}
 * }</pre>
 */
final class TailEvent {

    /** What a redacted value reads as. */
    static final String REDACTED = "REDACTED";
    /** Headers whose values are credentials whatever they hold. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");
    // Shorter secret values are redacted only where they are a whole header value: as substrings
    // they would mangle ordinary text.
    private static final int MIN_SECRET_IN_TEXT = 6;

    private TailEvent() {
    }

    static Map<String, Object> of(RequestLog log, LoadedWorker worker, ServerRequest request, String url, int status,
            long startNanos, String requestId) {
        List<String> secrets = secretValues(worker.env());
        RequestLog.Failure failure = log.failure();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("outcome", failure != null ? "exception" : status == 499 ? "canceled" : "ok");
        event.put("scriptName", worker.name());
        event.put("environment", worker.env().version().environment());
        event.put("version", worker.number());
        event.put("scriptVersion", Map.of("id", worker.env().version().id())); // wrangler's field: production/3
        event.put("entrypoint", worker.entrypoint().getClass().getSimpleName());
        event.put("requestId", requestId);
        Map<String, Object> httpRequest = new LinkedHashMap<>();
        httpRequest.put("method", request.prologue().method().text());
        httpRequest.put("url", scrub(url, secrets));
        httpRequest.put("headers", headers(request, secrets));
        Map<String, Object> invocation = new LinkedHashMap<>();
        invocation.put("request", httpRequest);
        invocation.put("response", Map.of("status", status));
        event.put("event", invocation);
        List<Map<String, Object>> logs = new ArrayList<>();
        for (RequestLog.Line line : log.lines()) {
            String message = line.worker() == null || line.worker().equals(worker.name()) ? line.message()
                    : "[" + line.worker() + "] " + line.message();
            logs.add(logLine(scrub(message, secrets), line.level(), line.timestamp()));
        }
        if (log.droppedLines() > 0) {
            logs.add(logLine(log.droppedLines() + " more lines of this request were left out (at most "
                    + RequestLog.MAX_LINES + " are kept)", "warn", System.currentTimeMillis()));
        }
        event.put("logs", logs);
        List<Map<String, Object>> exceptions = new ArrayList<>();
        if (failure != null) {
            Map<String, Object> exception = new LinkedHashMap<>();
            exception.put("name", failure.name());
            exception.put("message", scrub(failure.message(), secrets));
            exception.put("timestamp", failure.timestamp());
            exceptions.add(exception);
        }
        event.put("exceptions", exceptions);
        event.put("eventTimestamp", log.eventTimestamp());
        event.put("wallTime", (System.nanoTime() - startNanos) / 1_000_000);
        return event;
    }

    private static Map<String, Object> logLine(String message, String level, long timestamp) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("message", List.of(message));
        line.put("level", level);
        line.put("timestamp", timestamp);
        return line;
    }

    private static Map<String, String> headers(ServerRequest request, List<String> secrets) {
        // Sorted by name: an event reads the same whatever order the client sent them in.
        Map<String, String> headers = new java.util.TreeMap<>();
        for (Header header : request.headers()) {
            String name = header.name().toLowerCase(java.util.Locale.ROOT);
            List<String> values = new ArrayList<>();
            for (String value : header.allValues()) {
                values.add(CREDENTIAL_HEADERS.contains(name) || secrets.contains(value.strip()) ? REDACTED
                        : scrub(value, secrets));
            }
            headers.merge(name, String.join(", ", values), (a, b) -> a + ", " + b);
        }
        return headers;
    }

    private static List<String> secretValues(Env env) {
        List<String> values = new ArrayList<>();
        for (String name : env.secretNames()) {
            env.optionalSecret(name).filter(value -> !value.isEmpty()).ifPresent(values::add);
        }
        return values;
    }

    // Secret values inside text (a log line, a URL) become REDACTED.
    static String scrub(String text, List<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (secret.length() >= MIN_SECRET_IN_TEXT && result.contains(secret)) {
                result = result.replace(secret, REDACTED);
            }
        }
        return result;
    }
}
