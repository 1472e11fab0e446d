package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.dashboard.Html.esc;

/**
 * The frame of every dashboard page: the libraries, the navigation with logout (none without a
 * login), and the session's CSRF token, which forms carry in a hidden field and htmx sends as a
 * header.
 */
final class Layout {

    /** The header htmx requests carry the CSRF token in. */
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** The form field plain forms carry the CSRF token in. */
    static final String CSRF_FIELD = "_csrf";

    private final Assets assets;
    private final boolean logout;

    Layout(Assets assets, boolean logout) {
        this.assets = assets;
        this.logout = logout;
    }

    /** A page for a logged-in session. */
    String page(String title, String csrf, String flash, String body) {
        StringBuilder html = new StringBuilder(head(title));
        html.append("<body hx-headers=\"").append(esc("{\"" + CSRF_HEADER + "\": \"" + csrf + "\"}")).append("\">\n");
        html.append("<header><a class=\"brand\" href=\"/\">jworkers</a><nav>")
                .append("<a href=\"/\">Workers</a><a href=\"").append(Dashboard.PREFIX).append("/hosts\">Hosts</a></nav>");
        if (logout) {
            html.append("<form class=\"logout\" method=\"post\" action=\"").append(Dashboard.PREFIX).append("/logout\">")
                    .append(csrfField(csrf)).append("<button type=\"submit\" id=\"logout\">Log out</button></form>");
        }
        html.append("</header>\n");
        html.append("<main>\n");
        if (flash != null) {
            boolean refused = flash.startsWith("Refused");
            html.append("<p class=\"flash").append(refused ? " refused" : "").append("\" id=\"flash\" role=\"status\">")
                    .append(esc(flash)).append("</p>\n");
        }
        html.append(body).append("</main>\n</body>\n</html>\n");
        return html.toString();
    }

    /** The login page, with a message after a wrong token. */
    String login(String message) {
        return head("Log in") + "<body class=\"login\">\n<main>\n<h1>jworkers</h1>\n"
                + (message == null ? "" : "<p class=\"flash refused\" id=\"login-error\" role=\"alert\">" + esc(message) + "</p>\n")
                + "<form method=\"post\" action=\"" + Dashboard.PREFIX + "/login\">\n"
                + "<label for=\"token\">Admin token</label>\n"
                + "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" required autofocus>\n"
                + "<button type=\"submit\" id=\"login\">Log in</button>\n"
                + "<p class=\"hint\">The token of <code>--token-file</code> or <code>JWORKERS_ADMIN_TOKEN</code>.</p>\n"
                + "</form>\n</main>\n</body>\n</html>\n";
    }

    /** The hidden field a form posts its CSRF token in. */
    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"" + CSRF_FIELD + "\" value=\"" + esc(csrf) + "\">";
    }

    private String head(String title) {
        return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + esc(title) + " · jworkers</title>\n"
                + "<link rel=\"stylesheet\" href=\"" + assets.webjar(Assets.UPLOT, "dist/uPlot.min.css") + "\">\n"
                + "<link rel=\"stylesheet\" href=\"" + Assets.own("dashboard.css") + "\">\n"
                + "<script src=\"" + assets.webjar(Assets.HTMX, "dist/htmx.min.js") + "\"></script>\n"
                + "<script src=\"" + assets.webjar(Assets.HTMX_SSE, "sse.js") + "\"></script>\n"
                + "<script src=\"" + assets.webjar(Assets.UPLOT, "dist/uPlot.iife.min.js") + "\"></script>\n"
                + "<script src=\"" + Assets.own("dashboard.js") + "\"></script>\n"
                + "</head>\n";
    }
}
