package io.jworkers.api;

import io.jworkers.bridge.HostBridge;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request, shaped like the Fetch API's {@code Request}: method, absolute URL, headers
 * and a body that can be read once.
 *
 * <p>Method, URL and headers are immutable. The body is either bytes or a one-shot
 * {@link InputStream}; {@link #text()}, {@link #bytes()} and {@link #stream()} each consume it,
 * and reading it a second time throws {@link IllegalStateException} (Fetch's {@code bodyUsed}).
 * Use {@link #clone()} to read a body twice, for example to pass a request to one worker and
 * then another. A binding call passes the request object itself: nothing is copied.
 */
public final class Request {

    private static final URI BASE = URI.create("http://localhost/");

    static {
        HostBridge.setMessages(new HostBridge.Messages() {
            @Override
            public Request request(String method, String url, String path, Headers headers, InputStream body) {
                return new Request(normalizeMethod(method), null, Objects.requireNonNull(url, "url"), path, headers,
                        body == null ? Body.EMPTY : Body.of(body));
            }

            @Override
            public Headers headers(Map<String, List<String>> values) {
                return Headers.trusted(values);
            }

            @Override
            public Request withHeader(Request request, String name, java.util.function.Supplier<String> value) {
                return new Request(request.method, request.url, request.urlText, request.knownPath,
                        request.headers.withLazy(name, value), request.body);
            }
        });
    }

    private final String method;
    // Either given, or parsed from urlText on first use: the host passes the text, and a worker
    // that never asks for the URL (most read only the path) costs no URI parse.
    private volatile URI url;
    private final String urlText;
    // The decoded path when known without parsing the URL, else null.
    private final String knownPath;
    private final Headers headers;
    private final Body body;

    private Request(String method, URI url, Headers headers, Body body) {
        this(method, url, null, null, headers, body);
    }

    private Request(String method, URI url, String urlText, String knownPath, Headers headers, Body body) {
        this.method = method;
        this.url = url;
        this.urlText = urlText;
        this.knownPath = knownPath;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Creates a {@code GET} request without a body.
     *
     * @param url an absolute URL ({@code https://auth/check}) or a path ({@code /check}, resolved
     *     against {@code http://localhost/})
     * @return the request
     * @throws IllegalArgumentException if the URL cannot be parsed
     */
    public static Request get(String url) {
        return builder("GET", url).build();
    }

    /**
     * Starts a request builder.
     *
     * @param method an HTTP method; standard methods are upper-cased ({@code "post"} becomes {@code "POST"})
     * @param url an absolute URL or a path, as for {@link #get(String)}
     * @return a new builder
     * @throws IllegalArgumentException if the method is not an HTTP token or the URL cannot be parsed
     */
    public static Builder builder(String method, String url) {
        return new Builder(normalizeMethod(method), parseUrl(url));
    }

    /**
     * Starts a request builder for a URL already parsed.
     *
     * @param method an HTTP method
     * @param url an absolute URI, or a relative one resolved against {@code http://localhost/}
     * @return a new builder
     * @throws IllegalArgumentException if the method is not an HTTP token
     */
    public static Builder builder(String method, URI url) {
        Objects.requireNonNull(url, "url");
        return new Builder(normalizeMethod(method), url.isAbsolute() ? url : BASE.resolve(url));
    }

    /**
     * The request method, e.g. {@code "GET"}.
     *
     * @return the method; never {@code null}
     */
    public String method() {
        return method;
    }

    /**
     * The absolute request URL.
     *
     * @return the URL; never {@code null}
     */
    public URI url() {
        URI parsed = url;
        if (parsed == null) {
            // Only the host makes requests from text, and only from text it checked to be a valid URI.
            parsed = URI.create(urlText);
            url = parsed;
        }
        return parsed;
    }

    /**
     * The decoded path of the URL, e.g. {@code "/users/7"}; {@code "/"} when the URL has none.
     *
     * @return the path; never {@code null}
     */
    public String path() {
        if (knownPath != null) {
            return knownPath;
        }
        String path = url().getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /**
     * The request headers.
     *
     * @return the headers; never {@code null}
     */
    public Headers headers() {
        return headers;
    }

    /**
     * Reads the whole body as UTF-8 text, consuming it.
     *
     * @return the text; empty when there is no body
     * @throws IllegalStateException if the body was already read
     * @throws java.io.UncheckedIOException if reading a streamed body fails
     */
    public String text() {
        return body.text();
    }

    /**
     * Reads the whole body as bytes, consuming it.
     *
     * @return a new array; empty when there is no body
     * @throws IllegalStateException if the body was already read
     * @throws java.io.UncheckedIOException if reading a streamed body fails
     */
    public byte[] bytes() {
        return body.bytes();
    }

    /**
     * Returns the body as a stream, consuming it. The caller must close the stream.
     *
     * @return the stream; an empty stream when there is no body
     * @throws IllegalStateException if the body was already read
     */
    public InputStream stream() {
        return body.stream();
    }

    /**
     * Tells whether the body has been read (Fetch's {@code bodyUsed}). A request without a body
     * is never used.
     *
     * @return {@code true} once {@code text()}, {@code bytes()} or {@code stream()} has been called
     */
    public boolean bodyUsed() {
        return body.used();
    }

    /**
     * Tells whether this request carries a body.
     *
     * @return {@code false} when built without a body
     */
    public boolean hasBody() {
        return !body.isEmpty();
    }

    /**
     * Returns an independent copy whose body can be read separately. A streamed body keeps
     * streaming: the two copies share one source, and only what the slower reader has not read
     * yet is kept (in memory up to 1 MiB, then in a temporary file). A copy that is dropped
     * without being read stops costing anything once it is garbage-collected or closed.
     *
     * @return the copy
     * @throws IllegalStateException if the body was already read
     */
    @Override
    public Request clone() {
        return new Request(method, url, urlText, knownPath, headers, body.copy());
    }

    /**
     * Starts a builder with this request's method, URL, headers and body. The body is not copied:
     * the new request and this one share it, so reading one consumes both (as
     * {@code new Request(request, init)} does in Fetch). Clone first to keep both readable.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder(method, url());
        builder.headers = headers.toBuilder();
        builder.body = body;
        return builder;
    }

    @Override
    public String toString() {
        return method + " " + url();
    }

    private static String normalizeMethod(String method) {
        Objects.requireNonNull(method, "method");
        switch (method) {
            // Already normal (every request the host reads, most a worker makes): no scan, no upper-casing.
            case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT" -> {
                return method;
            }
            default -> {
            }
        }
        if (method.isEmpty()) {
            throw new IllegalArgumentException("HTTP method must not be empty");
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                throw new IllegalArgumentException("Invalid HTTP method \"" + method + "\"");
            }
        }
        String upper = method.toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT" -> upper;
            default -> method;
        };
    }

    private static URI parseUrl(String url) {
        Objects.requireNonNull(url, "url");
        try {
            URI uri = new URI(url);
            return uri.isAbsolute() ? uri : BASE.resolve(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Invalid URL \"" + url + "\": " + e.getReason(), e);
        }
    }

    /** A mutable builder of {@link Request}; not thread-safe. */
    public static final class Builder {

        private final String method;
        private final URI url;
        private Headers.Builder headers = Headers.builder();
        private Body body = Body.EMPTY;
        private String defaultContentType;

        private Builder(String method, URI url) {
            this.method = method;
            this.url = url;
        }

        /**
         * Adds a header value.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException if the name or value is invalid (see {@link Headers.Builder#add})
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * Replaces all headers.
         *
         * @param headers the headers
         * @return this builder
         */
        public Builder headers(Headers headers) {
            this.headers = headers.toBuilder();
            return this;
        }

        /**
         * Sets a UTF-8 text body; {@code content-type} defaults to {@code text/plain;charset=UTF-8}.
         *
         * @param text the body
         * @return this builder
         */
        public Builder body(String text) {
            this.body = Body.of(text.getBytes(StandardCharsets.UTF_8));
            this.defaultContentType = "text/plain;charset=UTF-8";
            return this;
        }

        /**
         * Sets a byte body. The array is used as is: do not modify it afterwards.
         *
         * @param bytes the body
         * @return this builder
         */
        public Builder body(byte[] bytes) {
            this.body = Body.of(Objects.requireNonNull(bytes, "bytes"));
            this.defaultContentType = null;
            return this;
        }

        /**
         * Sets a streamed body, read once by whoever consumes the request.
         *
         * @param stream the body
         * @return this builder
         */
        public Builder body(InputStream stream) {
            this.body = Body.of(Objects.requireNonNull(stream, "stream"));
            this.defaultContentType = null;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public Request build() {
            if (defaultContentType != null && !headers.has("content-type")) {
                headers.set("content-type", defaultContentType);
            }
            return new Request(method, url, headers.build(), body);
        }
    }
}
