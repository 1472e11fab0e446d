package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.dashboard.Html.esc;
import static io.jworkers.runtime.dashboard.Html.query;

import io.jworkers.runtime.serve.ServiceView;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The dashboard's home: every worker and environment with its version or split, whether it runs,
 * its routes and bindings, and its traffic. The table refreshes itself every few seconds (htmx).
 */
final class WorkersPage {

    private final DashboardSource source;
    private final WorkerStatsSource stats;

    WorkersPage(DashboardSource source, WorkerStatsSource stats) {
        this.source = source;
        this.stats = stats;
    }

    /** The page's body. */
    String body() {
        return "<h1>Workers</h1>\n" + table();
    }

    /** The table alone, which the page reloads. */
    String table() {
        List<ServiceView> services = source.services();
        StringBuilder html = new StringBuilder();
        html.append("<div id=\"workers\" hx-get=\"").append(Dashboard.PREFIX)
                .append("/workers-table\" hx-trigger=\"every 5s\" hx-swap=\"outerHTML\">\n");
        if (services.isEmpty()) {
            html.append("<p class=\"muted\">No workers deployed yet: <code>jworkers deploy -c worker.jsonc</code>.</p>\n</div>\n");
            return html.toString();
        }
        html.append("<table class=\"workers\">\n<thead><tr><th>Worker</th><th>Environment</th><th>Version</th><th>Status</th>"
                + "<th>Routes</th><th>Binds</th><th>Bound by</th><th>Traffic (last minutes)</th></tr></thead>\n<tbody>\n");
        for (ServiceView view : services) {
            String link = Dashboard.PREFIX + "/workers/" + query(view.worker()) + "?env=" + query(view.environment());
            html.append("<tr data-worker=\"").append(esc(view.worker())).append("\" data-env=\"").append(esc(view.environment()))
                    .append("\">");
            html.append("<td><a href=\"").append(esc(link)).append("\">").append(esc(view.worker())).append("</a></td>");
            html.append("<td>").append(esc(view.environment())).append("</td>");
            html.append("<td class=\"version\">").append(view.split() != null ? "split " + esc(view.split())
                    : view.version() > 0 ? "v" + view.version() : "-").append("</td>");
            html.append("<td>").append(status(view)).append("</td>");
            html.append("<td>").append(view.routes().isEmpty() ? "<span class=\"muted\">private</span>"
                    : esc(view.routes().stream().map(ServiceView.Route::pattern).collect(Collectors.joining(", ")))).append("</td>");
            html.append("<td class=\"binds\">").append(view.bindings().isEmpty() ? "<span class=\"muted\">none</span>"
                    : view.bindings().stream().map(b -> esc(b.name()) + " → " + esc(b.service())
                            + (b.entrypoint() == null ? "" : "#" + esc(b.entrypoint())))
                            .collect(Collectors.joining("<br>"))).append("</td>");
            List<String> callers = BoundServices.callers(services, view.worker(), view.environment()).stream()
                    .map(c -> esc(c.caller().worker()) + "." + esc(c.binding().name())).distinct().toList();
            html.append("<td class=\"bound-by\">").append(callers.isEmpty() ? "<span class=\"muted\">none</span>"
                    : String.join("<br>", callers)).append("</td>");
            html.append("<td>").append(TrafficCell.html(stats.stats(view.worker(), view.environment()))).append("</td>");
            html.append("</tr>\n");
        }
        return html.append("</tbody>\n</table>\n</div>\n").toString();
    }

    static String status(ServiceView view) {
        if (view.running()) {
            return "<span class=\"ok\">running</span>";
        }
        return "<span class=\"bad\" title=\"" + esc(view.problem() == null ? "not loaded" : view.problem())
                + "\">not running</span>";
    }
}
