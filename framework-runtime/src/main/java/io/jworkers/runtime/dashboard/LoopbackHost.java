package io.jworkers.runtime.dashboard;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The guard of a listener that answers without credentials because it listens on loopback only
 * ({@code jworkers dev}'s admin listener): a request must name a loopback host and the listener's
 * port in its {@code Host} header. Listening on 127.0.0.1 keeps other machines out, but not a web
 * page in the developer's own browser whose site name was re-pointed at 127.0.0.1 (DNS rebinding):
 * that browser sends the site's name as {@code Host}, and is refused here. Names are compared as
 * written, never resolved.
 */
public final class LoopbackHost {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

    private LoopbackHost() {
    }

    /**
     * Whether the request's {@code Host} is {@code localhost}, a 127.x.x.x address or {@code [::1]},
     * with the port the request arrived on.
     *
     * @param request the request
     * @return {@code true} when it may be answered
     */
    public static boolean allows(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.HOST);
        if (header.isEmpty()) {
            return false;
        }
        String value = header.get().strip();
        String name;
        String port;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = value.substring(1, end);
            port = value.substring(end + 1);
        } else {
            int colon = value.lastIndexOf(':');
            name = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? "" : value.substring(colon);
        }
        int listening = request.localPeer().port();
        boolean portMatches = port.isEmpty() ? listening == 80 : port.equals(":" + listening);
        boolean loopback = name.equalsIgnoreCase("localhost") || IPV4_LOOPBACK.matcher(name).matches() || name.equals("::1");
        return portMatches && loopback;
    }

    /**
     * Answers 403 with a sentence that says which addresses are answered.
     *
     * @param request the refused request
     * @param response its response
     */
    public static void refuse(ServerRequest request, ServerResponse response) {
        int port = request.localPeer().port();
        String host = request.headers().first(HeaderNames.HOST).orElse("");
        response.status(403);
        response.header("content-type", "text/plain; charset=utf-8");
        response.header("cache-control", "no-store");
        response.header("x-content-type-options", "nosniff");
        response.send("Refused: this listener answers only requests addressed to 127.0.0.1:" + port + " or localhost:" + port
                + ", not \"" + host + "\" (a guard against DNS rebinding: open http://127.0.0.1:" + port + "/)\n");
    }
}
