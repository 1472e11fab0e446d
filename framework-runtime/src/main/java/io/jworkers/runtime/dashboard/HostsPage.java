package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.dashboard.Html.esc;

import io.jworkers.runtime.serve.HostsView;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The cluster's hosts: each host sharing the store, the revision it serves, its lag and last heartbeat. */
final class HostsPage {

    private final DashboardSource source;

    HostsPage(DashboardSource source) {
        this.source = source;
    }

    String body() {
        HostsView view = source.hosts();
        StringBuilder html = new StringBuilder("<h1>Hosts</h1>\n");
        html.append("<p id=\"store\">").append(!source.deploys()
                ? "<code>jworkers dev</code> runs the workers of your build folders in this one process; it keeps no state."
                : source.sharedStore()
                ? "The hosts below share one PostgreSQL store at revision <b>" + view.revision() + "</b>."
                : "This host keeps its state in its own folder (<code>--state</code>): it is the only host, at revision <b>"
                        + view.revision() + "</b>. Hosts share their state with <code>--store postgresql://…</code>.")
                .append("</p>\n");
        html.append("<table id=\"hosts\"><thead><tr><th>Host</th><th>Admin address</th><th>Started</th><th>Applied revision</th>"
                + "<th>Lag</th><th>Last heartbeat</th></tr></thead><tbody>\n");
        for (HostsView.Host host : view.hosts()) {
            html.append("<tr><td><code>").append(esc(host.id().substring(0, Math.min(8, host.id().length())))).append("</code>")
                    .append(host.self() ? " <span class=\"muted\">(this host)</span>" : "").append("</td><td>")
                    .append(esc(host.address())).append("</td><td>")
                    .append(esc(DateTimeFormatter.ISO_INSTANT.format(host.startedAt().truncatedTo(ChronoUnit.SECONDS))))
                    .append("</td><td>").append(host.appliedRevision()).append("</td><td>")
                    .append(host.lag() == 0 ? "<span class=\"ok\">0</span>" : "<span class=\"bad\">" + host.lag() + "</span>")
                    .append("</td><td>").append(Html.number(host.silentMillis() / 1000.0)).append(" s ago</td></tr>\n");
        }
        return html.append("</tbody></table>\n").toString();
    }
}
