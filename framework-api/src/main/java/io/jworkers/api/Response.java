package io.jworkers.api;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP response, shaped like the Fetch API's {@code Response}: a status, headers and a body
 * that can be read once.
 *
 * <p>Status and headers are immutable. The body is bytes or a one-shot {@link InputStream};
 * {@link #text()}, {@link #bytes()} and {@link #stream()} each consume it, and a second read
 * throws {@link IllegalStateException}. {@link #clone()} gives a copy that can be read
 * separately. A binding call returns the response object itself: nothing is copied.
 */
public final class Response {

    // Headers are immutable: the common responses share theirs instead of building them each time.
    private static final Headers TEXT_HEADERS = Headers.of("content-type", "text/plain;charset=UTF-8");
    private static final Headers JSON_HEADERS = Headers.of("content-type", "application/json");

    private final int status;
    private final Headers headers;
    private final Body body;

    private Response(int status, Headers headers, Body body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * A UTF-8 text response with {@code content-type: text/plain;charset=UTF-8}.
     *
     * @param status an HTTP status from 200 to 599
     * @param body the text
     * @return the response
     * @throws IllegalArgumentException if the status is out of range
     */
    public static Response text(int status, String body) {
        return new Response(checkStatus(status), TEXT_HEADERS, Body.of(body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A JSON response with {@code content-type: application/json}. The text is sent as given;
     * it is not parsed or validated.
     *
     * @param status an HTTP status from 200 to 599
     * @param json the JSON text
     * @return the response
     * @throws IllegalArgumentException if the status is out of range
     */
    public static Response json(int status, String json) {
        return new Response(checkStatus(status), JSON_HEADERS, Body.of(json.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A response without a body, e.g. {@code Response.empty(204)}.
     *
     * @param status an HTTP status from 200 to 599
     * @return the response
     * @throws IllegalArgumentException if the status is out of range
     */
    public static Response empty(int status) {
        return new Response(checkStatus(status), Headers.empty(), Body.EMPTY);
    }

    /**
     * Starts a response builder.
     *
     * @param status an HTTP status from 200 to 599 (as the Fetch {@code Response} constructor allows)
     * @return a new builder
     * @throws IllegalArgumentException if the status is out of range
     */
    public static Builder builder(int status) {
        return new Builder(checkStatus(status));
    }

    /**
     * The HTTP status.
     *
     * @return the status, 200 to 599
     */
    public int status() {
        return status;
    }

    /**
     * Tells whether the status is 2xx, as Fetch's {@code ok}.
     *
     * @return {@code true} for 200 to 299
     */
    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /**
     * The response headers.
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
     * Tells whether the body has been read (Fetch's {@code bodyUsed}). A response without a
     * body is never used.
     *
     * @return {@code true} once {@code text()}, {@code bytes()} or {@code stream()} has been called
     */
    public boolean bodyUsed() {
        return body.used();
    }

    /**
     * Tells whether this response carries a body.
     *
     * @return {@code false} when built without a body
     */
    public boolean hasBody() {
        return !body.isEmpty();
    }

    /**
     * The body's length in bytes when it is known without reading it.
     *
     * @return the length, 0 without a body, or -1 for a stream of unknown length
     */
    public long knownLength() {
        return body.knownLength();
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
    public Response clone() {
        return new Response(status, headers, body.copy());
    }

    /**
     * Starts a builder with this response's status, headers and body. The body is shared, not
     * copied: reading either response consumes it. Clone first to keep both readable.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder(status);
        builder.headers = headers.toBuilder();
        builder.body = body;
        return builder;
    }

    @Override
    public String toString() {
        return "Response " + status;
    }

    private static int checkStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is out of range: use 200 to 599");
        }
        return status;
    }

    /** A mutable builder of {@link Response}; not thread-safe. */
    public static final class Builder {

        private int status;
        private Headers.Builder headers = Headers.builder();
        private Body body = Body.EMPTY;

        private Builder(int status) {
            this.status = status;
        }

        /**
         * Changes the status.
         *
         * @param status an HTTP status from 200 to 599
         * @return this builder
         * @throws IllegalArgumentException if the status is out of range
         */
        public Builder status(int status) {
            this.status = checkStatus(status);
            return this;
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
         * Sets a UTF-8 text body. Unlike {@link Response#text}, sets no {@code content-type}.
         *
         * @param text the body
         * @return this builder
         */
        public Builder body(String text) {
            this.body = Body.of(text.getBytes(StandardCharsets.UTF_8));
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
            return this;
        }

        /**
         * Sets a streamed body, read once by whoever consumes the response (at the public ingress,
         * it is streamed to the client).
         *
         * @param stream the body
         * @return this builder
         */
        public Builder body(InputStream stream) {
            this.body = Body.of(Objects.requireNonNull(stream, "stream"));
            return this;
        }

        /**
         * Builds the response.
         *
         * @return the response
         */
        public Response build() {
            return new Response(status, headers.build(), body);
        }
    }
}
