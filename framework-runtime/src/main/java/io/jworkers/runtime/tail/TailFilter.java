package io.jworkers.runtime.tail;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one tail wants: a worker in an environment, and optionally only some of its events,
 * as {@code wrangler tail}'s filters. Applied on the host, so unwanted events never travel.
 *
 * @param worker the worker's name
 * @param environment the environment ({@code production} by default)
 * @param status {@code ok} (outcome ok), {@code error} (any other outcome), or {@code null} for both
 * @param method an HTTP method (any case): only requests and binding {@code fetch} calls with
 *     that method, no RPC calls; or {@code null} for every event
 * @param search text that a log line, an exception or the URL (of a request or a {@code fetch}
 *     call) must contain, or {@code null}
 */
public record TailFilter(String worker, String environment, String status, String method, String search) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for a status other than {@code ok} or {@code error}
     */
    public TailFilter {
        if (status != null && !status.equals("ok") && !status.equals("error")) {
            throw new IllegalArgumentException("status must be ok or error, not \"" + status + "\"");
        }
        method = method == null || method.isBlank() ? null : method.toUpperCase(Locale.ROOT);
        search = search == null || search.isEmpty() ? null : search;
    }

    boolean listensTo(String workerName, String workerEnvironment) {
        return worker.equals(workerName) && environment.equals(workerEnvironment);
    }

    @SuppressWarnings("unchecked")
    boolean accepts(Map<String, Object> event) {
        boolean ok = "ok".equals(event.get("outcome"));
        if (status != null && ok != status.equals("ok")) {
            return false;
        }
        // An RPC call's event has no request: a method filter passes none of them, a search looks
        // at its lines and exception.
        Map<String, Object> request = (Map<String, Object>) ((Map<String, Object>) event.get("event")).get("request");
        if (method != null && (request == null || !method.equals(request.get("method")))) {
            return false;
        }
        if (search == null || request != null && String.valueOf(request.get("url")).contains(search)) {
            return true;
        }
        for (Map<String, Object> line : (List<Map<String, Object>>) event.get("logs")) {
            for (Object part : (List<Object>) line.get("message")) {
                if (String.valueOf(part).contains(search)) {
                    return true;
                }
            }
        }
        for (Map<String, Object> exception : (List<Map<String, Object>>) event.get("exceptions")) {
            if ((exception.get("name") + ": " + exception.get("message")).contains(search)) {
                return true;
            }
        }
        return false;
    }
}
