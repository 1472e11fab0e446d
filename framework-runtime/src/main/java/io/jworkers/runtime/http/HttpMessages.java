package io.jworkers.runtime.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jworkers.api.Headers;
import io.jworkers.bridge.HostBridge;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts between Helidon's exchange and the API's Fetch-shaped values. Bodies stream both ways:
 * the request body is Helidon's entity stream, read only if the worker reads it; a streamed
 * response body is copied to the client as it is produced.
 */
final class HttpMessages {

    // Framing is the server's business: a worker's value for these would corrupt the connection.
    static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "proxy-connection");

    private static final HostBridge.Messages BRIDGE = HostBridge.messages();

    private HttpMessages() {
    }

    static Request toRequest(ServerRequest request, ClientTimeouts.Connection connection) {
        return toRequest(request.prologue().method().text(), request.headers(), body(request, connection),
                request.path().rawPath(), request.query().rawValue(), request.isSecure() ? "https" : "http",
                request.authority());
    }

    /**
     * The request of an absolute-form target (RFC 9112 §3.2.2): the target's authority replaces
     * the {@code Host} header, and the path is the target's.
     */
    static Request toRequest(ServerRequest request, ClientTimeouts.Connection connection, RequestTarget target) {
        return toRequest(request.prologue().method().text(), withHost(request.headers(), target.authority()),
                body(request, connection), target.rawPath(), request.query().rawValue(),
                request.isSecure() ? "https" : "http", target.authority());
    }

    /**
     * A request from its parts, as read from the wire.
     *
     * @param authority the {@code Host}, or {@code null} (then {@code localhost})
     */
    static Request toRequest(String method, ServerRequestHeaders all, InputStream body, String rawPath, String rawQuery,
            String scheme, String authority) {
        Headers headers = headersOf(all);
        String target = rawQuery == null || rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
        String host = authority == null || authority.isBlank() ? "localhost" : authority.toLowerCase(Locale.ROOT);
        if (UriText.isPlainAuthority(host) && UriText.isPlainTarget(target)) {
            // URI.create would accept it as it is: parse it only if the worker asks for the URL. Without
            // a '%' the path needs no decoding, so path() needs no parse either.
            return BRIDGE.request(method, scheme + "://" + host + target, rawPath.indexOf('%') < 0 ? rawPath : null,
                    headers, body);
        }
        Request.Builder builder = Request.builder(method, urlOf(scheme, host, target)).headers(headers);
        if (body != null) {
            builder.body(body);
        }
        return builder.build();
    }

    /**
     * Headers with their {@code Host} replaced.
     *
     * @param all the headers as received
     * @param host the new value
     * @return the headers
     */
    static ServerRequestHeaders withHost(ServerRequestHeaders all, String host) {
        WritableHeaders<?> copy = WritableHeaders.create(all);
        copy.set(HeaderNames.HOST, host);
        return ServerRequestHeaders.create(copy);
    }

    private static InputStream body(ServerRequest request, ClientTimeouts.Connection connection) {
        return request.content().hasEntity() ? new TimedBodyStream(request.content().inputStream(), connection) : null;
    }

    // Helidon has parsed the headers; this only checks them as Headers.Builder.add would (its
    // name rule is looser) and keeps them without the builder's copies. Anything the check
    // refuses goes through the builder, which throws what it always threw.
    private static Headers headersOf(ServerRequestHeaders all) {
        if (all.size() == 0) {
            return Headers.empty();
        }
        Map<String, List<String>> values = new LinkedHashMap<>(all.size() * 2);
        for (Header header : all) {
            String name = header.headerName().lowerCase();
            List<String> list = header.valueCount() == 1 ? List.of(header.get()) : List.copyOf(header.allValues());
            if (!UriText.isToken(name) || !UriText.areFieldValues(list) || values.putIfAbsent(name, list) != null) {
                return checkedHeadersOf(all);
            }
        }
        return BRIDGE.headers(values);
    }

    private static Headers checkedHeadersOf(ServerRequestHeaders all) {
        Headers.Builder builder = Headers.builder();
        for (Header header : all) {
            for (String value : header.allValues()) {
                builder.add(header.name(), value);
            }
        }
        return builder.build();
    }

    static void send(Response response, ServerResponse out, String requestId) {
        out.status(statusOf(response.status()));
        Headers headers = response.headers();
        for (String name : headers.names()) {
            if (!HOP_BY_HOP.contains(name)) {
                // Names are lower case (Headers keeps them so): Helidon's own constants are found by them.
                HeaderName headerName = HeaderNames.createFromLowercase(name);
                List<String> values = headers.all(name);
                checkValues(name, values);
                out.header(values.size() == 1 ? HeaderValues.create(headerName, values.get(0))
                        : HeaderValues.create(headerName, values));
            }
        }
        out.header(RequestIds.HEADER_NAME, requestId);
        if (!response.hasBody()) {
            out.send();
            return;
        }
        if (response.knownLength() >= 0) {
            out.send(response.bytes());
            return;
        }
        try (InputStream body = response.stream(); OutputStream stream = out.outputStream()) {
            body.transferTo(stream);
        } catch (IOException e) {
            throw new UncheckedIOException("Streaming the response body failed: " + e.getMessage(), e);
        }
    }

    // Helidon's response header check (Header.validate), which IngressServer turns off because it
    // costs more than the rest of the header handling: names need none (Headers accepts only
    // HTTP tokens, stricter than Helidon), values get Helidon's rule: no control characters but
    // HTAB, and the first value does not start with a space or a tab. As with Helidon's check,
    // the response then fails with IllegalArgumentException before anything is sent.
    static void checkValues(String name, List<String> values) {
        int position = 0;
        boolean first = true;
        for (String value : values) {
            if (first) {
                first = false;
            } else {
                position += 2;
            }
            for (int i = 0; i < value.length(); i++, position++) {
                char c = value.charAt(i);
                boolean valid = position == 0 ? c > ' ' && c != 127 : (c >= ' ' || c == '\t') && c != 127;
                if (!valid) {
                    throw new IllegalArgumentException(position == 0
                            ? "First character of the header value is invalid for header '" + name + "'"
                            : "Character at position " + (position + 1) + " of the header value is invalid for header '"
                            + name + "'");
                }
            }
        }
    }

    // Helidon knows most reason phrases; these standard ones it would print as the bare number.
    private static final java.util.Map<Integer, String> MISSING_PHRASES = java.util.Map.of(
            425, "Too Early", 428, "Precondition Required", 429, "Too Many Requests",
            431, "Request Header Fields Too Large", 451, "Unavailable For Legal Reasons",
            508, "Loop Detected", 511, "Network Authentication Required");

    // Every status a response may have, made once: Status.create looks the code up in Helidon's
    // table and the phrase map boxes it, about 1.5 % of a request's CPU under load.
    private static final Status[] STATUSES = new Status[600];

    static {
        for (int code = 100; code < STATUSES.length; code++) {
            STATUSES[code] = newStatus(code);
        }
    }

    static Status statusOf(int code) {
        return code >= 100 && code < STATUSES.length ? STATUSES[code] : newStatus(code);
    }

    private static Status newStatus(int code) {
        String phrase = MISSING_PHRASES.get(code);
        return phrase != null ? Status.create(code, phrase) : Status.create(code);
    }

    static void sendText(ServerResponse out, int status, String text, String requestId) {
        send(Response.text(status, text), out, requestId);
    }

    private static URI urlOf(String scheme, String host, String target) {
        try {
            return URI.create(scheme + "://" + host + target);
        } catch (IllegalArgumentException badHost) {
            return URI.create(scheme + "://localhost" + target);
        }
    }
}
