package io.jworkers.runtime.tail;

import io.helidon.http.Header;
import io.helidon.http.ServerRequestHeaders;
import io.jworkers.api.Env;
import io.jworkers.api.Headers;
import io.jworkers.api.Request;
import io.jworkers.runtime.worker.LoadedWorker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One invocation as {@code wrangler tail} shows it: outcome, worker, version, entrypoint, the
 * request (its secrets redacted), the response status, the worker's log lines and exceptions,
 * the time it took. Built as plain maps and lists, written as JSON by the admin API. A request
 * at the ingress makes one for the worker that received it; a binding call into a tailed worker
 * one for that worker ({@link #ofBinding}).
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

    static Map<String, Object> of(RequestLog log, LoadedWorker worker, String method,
            ServerRequestHeaders requestHeaders, String url, int status,
            long startNanos, String requestId, List<String> secrets) {
        RequestLog.Failure failure = log.failure();
        Map<String, Object> event = head(failure != null ? "exception" : status == 499 ? "canceled" : "ok",
                TailTarget.of(worker, null), requestId);
        Map<String, Object> httpRequest = new LinkedHashMap<>();
        httpRequest.put("method", method);
        httpRequest.put("url", scrub(url, secrets));
        httpRequest.put("headers", headers(requestHeaders, secrets));
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
        event.put("exceptions", failure == null ? List.of()
                : List.of(exception(failure.name(), failure.message(), failure.timestamp(), secrets)));
        event.put("eventTimestamp", log.eventTimestamp());
        event.put("wallTime", (System.nanoTime() - startNanos) / 1_000_000);
        return event;
    }

    /**
     * The event of one binding call into a tailed worker: for {@code fetch} the request it was
     * given and the status it answered (no response when it threw), for RPC the method
     * ({@code {"rpcMethod":"check"}}, the shape of Cloudflare's JS-RPC trace events); the lines
     * the worker wrote while the call ran; what it threw.
     */
    static Map<String, Object> ofBinding(BindingInvocation call, Throwable error, int status, long wallMillis,
            List<String> secrets) {
        TailTarget target = call.target();
        RequestLog log = call.log();
        Map<String, Object> event = head(error != null ? "exception" : "ok", target, log.requestId());
        Map<String, Object> invocation = new LinkedHashMap<>();
        Request request = call.request();
        if (request != null) {
            Map<String, Object> httpRequest = new LinkedHashMap<>();
            httpRequest.put("method", request.method());
            httpRequest.put("url", scrub(request.url().toString(), secrets));
            httpRequest.put("headers", headers(request.headers(), secrets));
            invocation.put("request", httpRequest);
            if (error == null) {
                invocation.put("response", Map.of("status", status));
            }
        } else {
            invocation.put("rpcMethod", call.rpcMethod());
        }
        event.put("event", invocation);
        List<Map<String, Object>> logs = new ArrayList<>();
        for (RequestLog.Line line : log.linesOf(target.worker(), call.firstLine())) {
            logs.add(logLine(scrub(line.message(), secrets), line.level(), line.timestamp()));
        }
        int dropped = log.droppedLines() - call.droppedBefore();
        if (dropped > 0) {
            logs.add(logLine(dropped + " more lines of this request were left out while this call ran (at most "
                    + RequestLog.MAX_LINES + " are kept)", "warn", System.currentTimeMillis()));
        }
        event.put("logs", logs);
        event.put("exceptions", error == null ? List.of()
                : List.of(exception(error.getClass().getName(), String.valueOf(error.getMessage()),
                        System.currentTimeMillis(), secrets)));
        event.put("eventTimestamp", call.eventTimestamp());
        event.put("wallTime", wallMillis);
        return event;
    }

    // The fields every event starts with: how it ended, which worker, version and entrypoint, which request.
    private static Map<String, Object> head(String outcome, TailTarget target, String requestId) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("outcome", outcome);
        event.put("scriptName", target.worker());
        event.put("environment", target.environment());
        event.put("version", target.version());
        event.put("scriptVersion", Map.of("id", target.versionId())); // wrangler's field: production/3
        event.put("entrypoint", target.entrypoint());
        event.put("requestId", requestId);
        return event;
    }

    private static Map<String, Object> exception(String name, String message, long timestamp, List<String> secrets) {
        Map<String, Object> exception = new LinkedHashMap<>();
        exception.put("name", name);
        exception.put("message", scrub(message, secrets));
        exception.put("timestamp", timestamp);
        return exception;
    }

    private static Map<String, Object> logLine(String message, String level, long timestamp) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("message", List.of(message));
        line.put("level", level);
        line.put("timestamp", timestamp);
        return line;
    }

    private static Map<String, String> headers(ServerRequestHeaders requestHeaders, List<String> secrets) {
        // Sorted by name: an event reads the same whatever order the client sent them in.
        Map<String, String> headers = new java.util.TreeMap<>();
        for (Header header : requestHeaders) {
            String name = header.name().toLowerCase(java.util.Locale.ROOT);
            headers.merge(name, redacted(name, header.allValues(), secrets), (a, b) -> a + ", " + b);
        }
        return headers;
    }

    // A binding call's request headers: names are lower case already.
    private static Map<String, String> headers(Headers given, List<String> secrets) {
        Map<String, String> headers = new java.util.TreeMap<>();
        for (String name : given.names()) {
            headers.put(name, redacted(name, given.all(name), secrets));
        }
        return headers;
    }

    private static String redacted(String name, List<String> values, List<String> secrets) {
        List<String> shown = new ArrayList<>(values.size());
        for (String value : values) {
            shown.add(CREDENTIAL_HEADERS.contains(name) || secrets.contains(value.strip()) ? REDACTED : scrub(value, secrets));
        }
        return String.join(", ", shown);
    }

    static List<String> secretValues(Env env) {
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
