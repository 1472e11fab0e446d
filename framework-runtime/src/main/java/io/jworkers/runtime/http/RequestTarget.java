package io.jworkers.runtime.http;

import io.jworkers.api.Response;
import java.util.Locale;

/**
 * A request target that is not a plain path, or a {@code CONNECT} (RFC 9112 §3.2): what the
 * ingress does with it instead of handing it to a worker as it came.
 *
 * <ul>
 * <li>absolute-form, {@code GET http://h:81/abs?q HTTP/1.1} (what clients send to a proxy): the
 *     target's authority replaces the {@code Host} header and the worker sees path {@code /abs}
 *     on host {@code h:81} (§3.2.2);</li>
 * <li>asterisk-form, {@code OPTIONS *}: the host answers 200 with {@code Allow} (it is a question
 *     about the server, not about any worker); {@code *} with another method is a 400;</li>
 * <li>{@code CONNECT} with any target: 501, this host is not a proxy;</li>
 * <li>anything else ({@code GET notes}, authority-form without CONNECT): 400.</li>
 * </ul>
 *
 * @param authority the host (and port) to serve an absolute-form target as, lower case; or {@code null}
 * @param rawPath the path to serve an absolute-form target as (never empty); or {@code null}
 * @param refusal the answer instead of a worker's, or {@code null} for an absolute-form target
 */
record RequestTarget(String authority, String rawPath, Response refusal) {

    /** The methods a worker may be asked, for {@code OPTIONS *}. */
    static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    /**
     * Whether the ingress must look at a request's target before routing it: the target is not a
     * path, or the method is {@code CONNECT}. Cheap: it runs for every request.
     *
     * @param connect whether the method is {@code CONNECT}
     * @param rawPath the target without its query
     * @return whether {@link #of} must decide
     */
    static boolean isUnusual(boolean connect, String rawPath) {
        return connect || rawPath.isEmpty() || rawPath.charAt(0) != '/';
    }

    /**
     * Decides what to do with an unusual target.
     *
     * @param method the request's method
     * @param rawPath the target without its query (Helidon splits the query off any form)
     * @return the decision
     */
    static RequestTarget of(String method, String rawPath) {
        if (method.equals("CONNECT")) {
            return refuse(Response.text(501, "Not Implemented: CONNECT is not supported; this host serves workers,"
                    + " it is not a proxy\n"));
        }
        if (rawPath.equals("*")) {
            return method.equals("OPTIONS")
                    ? refuse(Response.builder(200).header("allow", ALLOW).build())
                    : badRequest("the request target * is only for OPTIONS, not for " + method);
        }
        int schemeEnd = rawPath.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : rawPath.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return badRequest("the request target \"" + rawPath + "\" is neither a path (starting with /) nor an"
                    + " absolute http URL");
        }
        int authorityStart = schemeEnd + 3;
        int pathStart = rawPath.indexOf('/', authorityStart);
        String authority = rawPath.substring(authorityStart, pathStart < 0 ? rawPath.length() : pathStart);
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            return badRequest("the request target \"" + rawPath + "\" has no valid host (user info is not allowed)");
        }
        return new RequestTarget(authority.toLowerCase(Locale.ROOT), pathStart < 0 ? "/" : rawPath.substring(pathStart),
                null);
    }

    /**
     * Whether the connection closes after the refusal: after anything but {@code OPTIONS *}, the
     * client's next bytes are not to be trusted (a refused {@code CONNECT} would start its tunnel).
     *
     * @return whether to close
     */
    boolean closes() {
        return refusal != null && refusal.status() != 200;
    }

    private static RequestTarget refuse(Response response) {
        return new RequestTarget(null, null, response);
    }

    private static RequestTarget badRequest(String why) {
        return refuse(Response.text(400, "Bad Request: " + why + "\n"));
    }
}
