package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.dashboard.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One tail event ({@code wrangler tail}'s shape: {@code outcome}, {@code scriptName},
 * {@code event.request} or an RPC call's {@code event.rpcMethod}, {@code event.response.status},
 * {@code logs[].message}, {@code exceptions[]}) as a line of the live-logs panel. Fields it does not know are left out; an event
 * that is not JSON is shown as text.
 */
final class LogEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogEvents() {
    }

    static String html(String event) {
        JsonNode node;
        try {
            node = JSON.readTree(event);
        } catch (IOException e) {
            return "<div class=\"log-event\"><code>" + esc(event) + "</code></div>";
        }
        String outcome = node.path("outcome").asText("");
        JsonNode request = node.path("event").path("request");
        StringBuilder html = new StringBuilder("<div class=\"log-event ").append("ok".equals(outcome) ? "ok" : "bad").append("\">");
        html.append("<span class=\"outcome\">").append(esc(outcome)).append("</span> ");
        if (node.hasNonNull("scriptVersion") || node.has("scriptName")) {
            html.append("<span class=\"worker\">").append(esc(node.path("scriptName").asText("")));
            JsonNode version = node.path("scriptVersion");
            if (!version.isMissingNode() && !version.isNull()) {
                html.append("@").append(esc(version.isObject() ? version.path("id").asText("") : version.asText()));
            }
            html.append("</span> ");
        }
        JsonNode rpcMethod = node.path("event").path("rpcMethod");
        if (rpcMethod.isTextual()) {
            // An RPC call through a binding: the method in place of the request line.
            html.append("<code>RPC ").append(esc(rpcMethod.asText())).append("</code>");
        } else {
            html.append("<code>").append(esc(request.path("method").asText(""))).append(" ")
                    .append(esc(request.path("url").asText(""))).append("</code>");
        }
        JsonNode status = node.path("event").path("response").path("status");
        if (!status.isMissingNode()) {
            html.append(" → ").append(esc(status.asText()));
        }
        for (JsonNode log : node.path("logs")) {
            JsonNode message = log.path("message");
            String text = message.isArray() ? join(message) : message.asText("");
            html.append("<div class=\"log-line\">").append(esc(log.path("level").asText("log"))).append(": ").append(esc(text))
                    .append("</div>");
        }
        for (JsonNode exception : node.path("exceptions")) {
            html.append("<div class=\"log-line bad\">").append(esc(exception.path("name").asText("Exception"))).append(": ")
                    .append(esc(exception.path("message").asText(""))).append("</div>");
        }
        return html.append("</div>").toString();
    }

    private static String join(JsonNode array) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : array) {
            text.append(text.isEmpty() ? "" : " ").append(part.isTextual() ? part.asText() : part.toString());
        }
        return text.toString();
    }
}
