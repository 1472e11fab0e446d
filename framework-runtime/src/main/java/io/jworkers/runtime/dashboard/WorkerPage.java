package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.dashboard.Html.esc;
import static io.jworkers.runtime.dashboard.Html.query;

import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.serve.ServiceView;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One worker environment: traffic charts by version, its versions with rollback, split and
 * promote (without the forms on a host that does not deploy: dev), its bound services both ways with their status, its settings (vars, secret names,
 * routes, host names, limits) and its live logs.
 */
final class WorkerPage {

    private final DashboardSource source;
    private final WorkerStatsSource stats;
    private final boolean liveLogs;

    WorkerPage(DashboardSource source, WorkerStatsSource stats, boolean liveLogs) {
        this.source = source;
        this.stats = stats;
        this.liveLogs = liveLogs;
    }

    /** The page's body, or empty when the worker is not deployed to the environment. */
    Optional<String> body(String worker, String environment, String csrf) {
        List<ServiceView> services = source.services();
        Optional<ServiceView> found = services.stream()
                .filter(view -> view.worker().equals(worker) && view.environment().equals(environment)).findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ServiceView view = found.get();
        List<String> environments = services.stream().filter(v -> v.worker().equals(worker)).map(ServiceView::environment).toList();
        String base = Dashboard.PREFIX + "/workers/" + query(worker);
        StringBuilder html = new StringBuilder();
        html.append("<h1>").append(esc(worker)).append(" <span class=\"env\">").append(esc(environment)).append("</span></h1>\n");
        html.append("<nav class=\"envs\">");
        for (String env : environments) {
            html.append("<a href=\"").append(esc(base + "?env=" + query(env))).append("\"")
                    .append(env.equals(environment) ? " class=\"current\"" : "").append(">").append(esc(env)).append("</a>");
        }
        html.append("</nav>\n");
        html.append("<p class=\"summary\">").append(WorkersPage.status(view)).append(" · ")
                .append(view.split() != null ? "split <b id=\"current-version\">" + esc(view.split()) + "</b>"
                        + splitMessage(worker, environment) : "version <b id=\"current-version\">" + view.version() + "</b>")
                .append(view.problem() == null ? "" : " · <span class=\"bad\">" + esc(view.problem()) + "</span>").append("</p>\n");

        traffic(html, worker, environment);
        versions(html, worker, environment, environments, base, csrf);
        boundServices(html, view, services);
        settings(html, view, worker, environment);
        logs(html, base, environment);
        return Optional.of(html.toString());
    }

    // The message given with the split (versions deploy --message, the page's split form): why it is split.
    private String splitMessage(String worker, String environment) {
        return source.split(worker, environment).map(TrafficSplit::message).filter(message -> !message.isBlank())
                .map(message -> " <span id=\"split-message\" class=\"muted\">(" + esc(message) + ")</span>").orElse("");
    }

    private void traffic(StringBuilder html, String worker, String environment) {
        List<WorkerStatsSource.VersionStats> byVersion = stats.stats(worker, environment);
        html.append("<section id=\"traffic\"><h2>Traffic</h2>\n").append(TrafficCell.html(byVersion)).append("\n");
        if (!byVersion.isEmpty()) {
            html.append("<div class=\"charts\">");
            chart(html, Charts.json("Requests per second", "req/s", byVersion, WorkerStatsSource.Series::requestsPerSecond));
            chart(html, Charts.json("Errors", "%", byVersion, series -> series.errorRate().stream().map(r -> r * 100).toList()));
            chart(html, Charts.json("p50", "ms", byVersion, WorkerStatsSource.Series::p50Millis));
            chart(html, Charts.json("p99", "ms", byVersion, WorkerStatsSource.Series::p99Millis));
            html.append("</div>\n");
        }
        html.append("</section>\n");
    }

    private static void chart(StringBuilder html, String json) {
        html.append("<div class=\"chart\" data-chart=\"").append(esc(json)).append("\"></div>");
    }

    private void versions(StringBuilder html, String worker, String environment, List<String> environments, String base,
            String csrf) {
        List<VersionInfo> versions = source.versions(worker, environment);
        Optional<TrafficSplit> split = source.split(worker, environment);
        boolean deploys = source.deploys();
        html.append("<section id=\"versions\"><h2>").append(deploys ? "Versions and deployments" : "Version").append("</h2>\n");
        html.append("<table class=\"versions\"><thead><tr><th>Version</th><th>Traffic</th><th>Created</th><th>SHA-256</th>"
                + "<th>Message</th><th></th></tr></thead><tbody>\n");
        for (VersionInfo version : versions.reversed()) {
            int percent = split.map(s -> s.percentOf(version.number())).orElse(-1);
            html.append("<tr data-version=\"").append(version.number()).append("\"><td>").append(version.number()).append("</td>")
                    .append("<td>").append(percent < 0 ? "-" : percent + " %").append("</td>")
                    .append("<td>").append(esc(DateTimeFormatter.ISO_INSTANT.format(version.createdAt().truncatedTo(ChronoUnit.SECONDS))))
                    .append("</td><td><code>").append(esc(version.sha256() == null ? "" : version.sha256().substring(0,
                            Math.min(12, version.sha256().length())))).append("</code></td>")
                    .append("<td>").append(esc(version.message() == null ? "" : version.message())).append("</td><td>");
            if (percent != 100 && deploys) {
                html.append("<form method=\"post\" action=\"").append(esc(base + "/rollback")).append("\">")
                        .append(Layout.csrfField(csrf)).append(hidden("env", environment)).append(hidden("version",
                                String.valueOf(version.number())))
                        .append("<button type=\"submit\" class=\"rollback\" id=\"rollback-").append(version.number())
                        .append("\">Roll back to ").append(version.number()).append("</button></form>");
            } else if (percent == 100) {
                html.append("<span class=\"muted\">current</span>");
            }
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
        if (!deploys) {
            html.append("<p class=\"muted\" id=\"no-deployments\">jworkers dev runs the workers from their build folders and"
                    + " reloads them when their classes change; rollback, split and promote are for versions deployed to"
                    + " <code>jworkers serve</code>.</p></section>\n");
            return;
        }

        html.append("<div class=\"actions\">");
        html.append("<form method=\"post\" action=\"").append(esc(base + "/split")).append("\" class=\"split\">")
                .append(Layout.csrfField(csrf)).append(hidden("env", environment))
                .append("<label>Split traffic <input name=\"versions\" id=\"split-versions\" placeholder=\"4@10 3@90\" required></label>")
                .append(" <label>Message <input name=\"message\"></label>")
                .append(" <button type=\"submit\" id=\"split\">Deploy split</button></form>\n");
        List<String> others = environments.stream().filter(env -> !env.equals(environment)).toList();
        if (!others.isEmpty()) {
            html.append("<form method=\"post\" action=\"").append(esc(base + "/promote")).append("\" class=\"promote\">")
                    .append(Layout.csrfField(csrf)).append(hidden("from", environment))
                    .append("<label>Promote version <input name=\"version\" size=\"4\" placeholder=\"current\"></label>")
                    .append(" <label>to <select name=\"to\">");
            for (String env : others) {
                html.append("<option").append(env.equals(WorkerHost.PRODUCTION) ? " selected" : "").append(">").append(esc(env))
                        .append("</option>");
            }
            html.append("</select></label> <button type=\"submit\" id=\"promote\">Promote</button></form>\n");
        }
        html.append("</div></section>\n");
    }

    private static void boundServices(StringBuilder html, ServiceView view, List<ServiceView> services) {
        html.append("<section id=\"bound-services\"><h2>Bound services</h2>\n<div class=\"two\">\n");
        html.append("<div><h3>Binds</h3>");
        if (view.bindings().isEmpty()) {
            html.append("<p class=\"muted\">No service bindings.</p>");
        } else {
            html.append("<table id=\"binds\"><thead><tr><th>Binding</th><th>Service</th><th>Environment</th><th>Entrypoint</th>"
                    + "<th>Status</th></tr></thead><tbody>");
            for (ServiceView.Binding binding : view.bindings()) {
                html.append("<tr data-binding=\"").append(esc(binding.name())).append("\"><td><code>").append(esc(binding.name()))
                        .append("</code></td><td>").append(link(binding.service(), binding.environment())).append("</td><td>")
                        .append(esc(binding.environment())).append("</td><td>")
                        .append(binding.entrypoint() == null ? "<span class=\"muted\">default</span>" : esc(binding.entrypoint()))
                        .append("</td><td>").append(connected(binding.connected())).append("</td></tr>");
            }
            html.append("</tbody></table>");
        }
        html.append("</div>\n<div><h3>Bound by</h3>");
        List<BoundServices.Caller> callers = BoundServices.callers(services, view.worker(), view.environment());
        if (callers.isEmpty()) {
            html.append("<p class=\"muted\">No worker binds to ").append(esc(view.worker())).append(" in ")
                    .append(esc(view.environment())).append(".</p>");
        } else {
            html.append("<table id=\"bound-by\"><thead><tr><th>Worker</th><th>Environment</th><th>Binding</th><th>Entrypoint</th>"
                    + "<th>Status</th></tr></thead><tbody>");
            for (BoundServices.Caller caller : callers) {
                html.append("<tr data-caller=\"").append(esc(caller.caller().worker())).append("\"><td>")
                        .append(link(caller.caller().worker(), caller.caller().environment())).append("</td><td>")
                        .append(esc(caller.caller().environment())).append("</td><td><code>").append(esc(caller.binding().name()))
                        .append("</code></td><td>").append(caller.binding().entrypoint() == null ? "<span class=\"muted\">default</span>"
                                : esc(caller.binding().entrypoint()))
                        .append("</td><td>").append(connected(caller.caller().running())).append("</td></tr>");
            }
            html.append("</tbody></table>");
        }
        html.append("</div>\n</div></section>\n");
    }

    private void settings(StringBuilder html, ServiceView view, String worker, String environment) {
        html.append("<section id=\"settings\"><h2>Settings</h2>\n");
        Optional<DashboardSource.Settings> found = source.settings(worker, environment);
        if (found.isEmpty()) {
            html.append("<p class=\"muted\">The current version's config cannot be read.</p></section>\n");
            return;
        }
        DashboardSource.Settings settings = found.get();
        html.append("<div class=\"two\"><div><h3>Variables</h3>");
        if (settings.vars().isEmpty()) {
            html.append("<p class=\"muted\">none</p>");
        } else {
            html.append("<table id=\"vars\"><tbody>");
            for (Map.Entry<String, String> entry : settings.vars().entrySet()) {
                html.append("<tr><td><code>").append(esc(entry.getKey())).append("</code></td><td>").append(esc(entry.getValue()))
                        .append("</td></tr>");
            }
            html.append("</tbody></table>");
        }
        html.append("<h3>Secrets</h3>");
        if (settings.secretNames().isEmpty() && settings.requiredSecrets().isEmpty()) {
            html.append("<p class=\"muted\">none</p>");
        } else {
            html.append("<ul id=\"secrets\">");
            for (String name : settings.secretNames()) {
                html.append("<li><code>").append(esc(name)).append("</code>")
                        .append(settings.requiredSecrets().contains(name) ? " <span class=\"muted\">required</span>" : "")
                        .append(" <span class=\"muted\">(value hidden)</span></li>");
            }
            for (String name : settings.requiredSecrets()) {
                if (!settings.secretNames().contains(name)) {
                    html.append("<li><code>").append(esc(name)).append("</code> <span class=\"bad\">required, not set</span></li>");
                }
            }
            html.append("</ul>");
        }
        html.append("</div><div><h3>Routes</h3>");
        if (view.routes().isEmpty()) {
            html.append("<p class=\"muted\">none: private, reachable only through bindings</p>");
        } else {
            html.append("<ul id=\"routes\">");
            for (ServiceView.Route route : view.routes()) {
                html.append("<li><code>").append(esc(route.pattern())).append("</code>")
                        .append(route.servedBy().equals(worker) ? "" : " <span class=\"bad\">served by " + esc(route.servedBy())
                                + "</span>").append("</li>");
            }
            html.append("</ul>");
        }
        html.append("<h3>Host names</h3><p id=\"host-names\">");
        if (view.routes().isEmpty()) {
            html.append("<span class=\"muted\">none (no routes)</span>");
        } else if (!source.deploys()) {
            html.append("any host name: jworkers dev does not look at host names");
        } else if (environment.equals(WorkerHost.PRODUCTION)) {
            html.append("any host name whose first label names no preview environment");
        } else {
            html.append("host names whose first label is <code>").append(esc(environment)).append("</code>, e.g. <code>")
                    .append(esc(environment)).append(".localhost</code> or <code>").append(esc(environment))
                    .append(".api.example.com</code>");
        }
        html.append("</p><h3>Limits</h3><ul id=\"limits\"><li>subrequests: ").append(settings.limits().subrequests())
                .append("</li><li>timeout: ").append(settings.limits().timeoutMs()).append(" ms</li></ul>");
        html.append("</div></div></section>\n");
    }

    private void logs(StringBuilder html, String base, String environment) {
        html.append("<section id=\"logs\"><h2>Live logs</h2>\n");
        if (!liveLogs) {
            html.append("<p class=\"muted\" id=\"logs-unavailable\">Live logs are not available on this host.</p></section>\n");
            return;
        }
        // Connecting makes the host capture this worker's logs, so it waits for a click.
        html.append("<div id=\"live-logs\"><button type=\"button\" id=\"start-logs\" hx-get=\"")
                .append(esc(base + "/logs?env=" + query(environment)))
                .append("\" hx-target=\"#live-logs\" hx-swap=\"innerHTML\">Start live logs</button></div></section>\n");
    }

    /** The panel that streams the tail into the page (htmx SSE extension), swapped in by "Start live logs". */
    static String logsPanel(String worker, String environment) {
        String stream = Dashboard.PREFIX + "/workers/" + query(worker) + "/tail?env=" + query(environment);
        return "<div hx-ext=\"sse\" sse-connect=\"" + esc(stream) + "\" sse-swap=\"message\" hx-swap=\"afterbegin\""
                + " id=\"log-lines\" class=\"log-lines\"><p class=\"muted\">Waiting for requests to " + esc(worker) + " in "
                + esc(environment) + "…</p></div>";
    }

    private static String link(String worker, String environment) {
        return "<a href=\"" + esc(Dashboard.PREFIX + "/workers/" + query(worker) + "?env=" + query(environment)) + "\">"
                + esc(worker) + "</a>";
    }

    private static String connected(boolean connected) {
        return connected ? "<span class=\"ok\">connected</span>" : "<span class=\"bad\">not connected</span>";
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }
}
