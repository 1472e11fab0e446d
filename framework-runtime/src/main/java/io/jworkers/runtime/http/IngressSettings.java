package io.jworkers.runtime.http;

import java.time.Duration;

/**
 * How the public listener behaves, with its defaults in one place.
 *
 * @param host the address to bind; default {@code 127.0.0.1}
 * @param port the port, 0 for a free one; default 8787 in {@code dev}
 * @param maxBodyBytes the largest request body accepted, else 413; default 100 MiB
 * @param maxHeaderBytes the largest header block accepted, else 431; default 16 KiB (Helidon's)
 * @param maxRequestLineBytes the longest request line accepted, else 400/414; default 4 KiB (Helidon's)
 * @param readTimeout a client that sends nothing for this long while a request is being read is
 *     dropped (slow clients); default 30 s
 * @param idleTimeout a keep-alive connection without requests for this long is closed; default 60 s
 * @param waitUntilGrace how long {@code waitUntil} work may run after the response; default 30 s,
 *     as Cloudflare
 * @param shutdownGrace how long in-flight requests and {@code waitUntil} work get to finish on
 *     shutdown (SIGTERM); default 30 s
 */
public record IngressSettings(String host, int port, long maxBodyBytes, int maxHeaderBytes, int maxRequestLineBytes,
        Duration readTimeout, Duration idleTimeout, Duration waitUntilGrace, Duration shutdownGrace) {

    /** Default largest request body: large enough for uploads, bounded. */
    public static final long DEFAULT_MAX_BODY_BYTES = 100L * 1024 * 1024;

    /**
     * The defaults, on an address and port.
     *
     * @param host the address
     * @param port the port
     * @return the settings
     */
    public static IngressSettings defaults(String host, int port) {
        return new IngressSettings(host, port, DEFAULT_MAX_BODY_BYTES, 16 * 1024, 4 * 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /**
     * These settings with another body limit.
     *
     * @param bytes the largest request body
     * @return the new settings
     */
    public IngressSettings withMaxBodyBytes(long bytes) {
        return new IngressSettings(host, port, bytes, maxHeaderBytes, maxRequestLineBytes, readTimeout, idleTimeout,
                waitUntilGrace, shutdownGrace);
    }

    /**
     * These settings with other timeouts for slow and idle clients.
     *
     * @param read the read timeout
     * @param idle the idle-connection timeout
     * @return the new settings
     */
    public IngressSettings withClientTimeouts(Duration read, Duration idle) {
        return new IngressSettings(host, port, maxBodyBytes, maxHeaderBytes, maxRequestLineBytes, read, idle,
                waitUntilGrace, shutdownGrace);
    }

    /**
     * These settings with other grace periods.
     *
     * @param waitUntil how long {@code waitUntil} work may run after the response
     * @param shutdown how long in-flight work gets on shutdown
     * @return the new settings
     */
    public IngressSettings withGrace(Duration waitUntil, Duration shutdown) {
        return new IngressSettings(host, port, maxBodyBytes, maxHeaderBytes, maxRequestLineBytes, readTimeout,
                idleTimeout, waitUntil, shutdown);
    }
}
