package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.dashboard.Html.esc;

import java.util.List;

/** A worker environment's traffic by version, as the tables show it; "no traffic yet" when there is none. */
final class TrafficCell {

    private TrafficCell() {
    }

    static String html(List<WorkerStatsSource.VersionStats> stats) {
        if (stats.isEmpty()) {
            return "<span class=\"muted no-traffic\">no traffic yet</span>";
        }
        StringBuilder html = new StringBuilder("<ul class=\"traffic\">");
        for (WorkerStatsSource.VersionStats one : stats) {
            html.append("<li data-version=\"").append(one.version()).append("\"><b>v").append(one.version()).append("</b> ")
                    .append(esc(Html.number(one.requestsPerSecond()))).append(" req/s · ")
                    .append(esc(Html.percent(one.errorRate()))).append(" errors · p50 ")
                    .append(esc(Html.number(one.p50Millis()))).append(" ms · p99 ")
                    .append(esc(Html.number(one.p99Millis()))).append(" ms</li>");
        }
        return html.append("</ul>").toString();
    }
}
