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
 * @param readTimeout how long the server waits for a client that is sending a request: a new
 *     connection must deliver its whole request head (request line and headers) within it, and a
 *     request body may pause no longer than it between bytes; else the client is dropped (a
 *     stalled body is answered 408). Never counts time the worker spends. Default 30 s: between
 *     Apache's 20 s ({@code mod_reqtimeout}) and nginx's 60 s ({@code client_header_timeout},
 *     {@code client_body_timeout}), long enough for a phone on a poor link, short enough that a
 *     slowloris client pays for every connection it holds
 * @param idleTimeout how long a keep-alive connection may wait for its next request before it is
 *     closed; default 75 s, nginx's {@code keepalive_timeout}: longer than the 60 s default idle
 *     timeout of AWS's load balancers, which must close first so that they never send a request
 *     on a connection the host is just closing
 * @param waitUntilGrace how long {@code waitUntil} work may run after the response; default 30 s,
 *     as Cloudflare
 * @param shutdownGrace how long in-flight requests and {@code waitUntil} work get to finish on
 *     shutdown (SIGTERM); default 30 s
 * @param maxConnections the most connections open at once; more wait in the accept queue until one
 *     closes; default half the process's open-file limit, at most 10,000 (see {@link ConnectionLimits})
 * @param accessLog where the line per request goes; default {@link AccessLog#CONSOLE}
 */
public record IngressSettings(String host, int port, long maxBodyBytes, int maxHeaderBytes, int maxRequestLineBytes,
        Duration readTimeout, Duration idleTimeout, Duration waitUntilGrace, Duration shutdownGrace, int maxConnections,
        AccessLog accessLog) {

    /** Default largest request body: large enough for uploads, bounded. */
    public static final long DEFAULT_MAX_BODY_BYTES = 100L * 1024 * 1024;

    /** Default wait for a request head, and for the next bytes of a request body (see the record). */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    /** Default wait for the next request on a keep-alive connection (see the record). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a timeout or the connection bound is not positive
     */
    public IngressSettings {
        if (readTimeout.isNegative() || readTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("client timeouts must be positive, got read " + readTimeout
                    + " and idle " + idleTimeout);
        }
        java.util.Objects.requireNonNull(accessLog, "accessLog");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the connection bound must be positive, got " + maxConnections);
        }
    }

    /**
     * The defaults, on an address and port.
     *
     * @param host the address
     * @param port the port
     * @return the settings
     */
    public static IngressSettings defaults(String host, int port) {
        return new IngressSettings(host, port, DEFAULT_MAX_BODY_BYTES, 16 * 1024, 4 * 1024, DEFAULT_READ_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(30), Duration.ofSeconds(30), ConnectionLimits.publicDefault(), AccessLog.CONSOLE);
    }

    /**
     * These settings with another body limit.
     *
     * @param bytes the largest request body
     * @return the new settings
     */
    public IngressSettings withMaxBodyBytes(long bytes) {
        return new IngressSettings(host, port, bytes, maxHeaderBytes, maxRequestLineBytes, readTimeout, idleTimeout,
                waitUntilGrace, shutdownGrace, maxConnections, accessLog);
    }

    /**
     * These settings with other timeouts for slow and idle clients.
     *
     * @param read the read timeout: for a request head, and per pause in a request body
     * @param idle the keep-alive idle timeout
     * @return the new settings
     */
    public IngressSettings withClientTimeouts(Duration read, Duration idle) {
        return new IngressSettings(host, port, maxBodyBytes, maxHeaderBytes, maxRequestLineBytes, read, idle,
                waitUntilGrace, shutdownGrace, maxConnections, accessLog);
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
                idleTimeout, waitUntil, shutdown, maxConnections, accessLog);
    }

    /**
     * These settings with another connection bound.
     *
     * @param connections the most connections open at once
     * @return the new settings
     */
    public IngressSettings withMaxConnections(int connections) {
        return new IngressSettings(host, port, maxBodyBytes, maxHeaderBytes, maxRequestLineBytes, readTimeout,
                idleTimeout, waitUntilGrace, shutdownGrace, connections, accessLog);
    }

    /**
     * These settings with another access log.
     *
     * @param log where the line per request goes: {@link AccessLog#CONSOLE}, {@link AccessLog#OFF} or {@link AccessLog#to}
     * @return the new settings
     */
    public IngressSettings withAccessLog(AccessLog log) {
        return new IngressSettings(host, port, maxBodyBytes, maxHeaderBytes, maxRequestLineBytes, readTimeout,
                idleTimeout, waitUntilGrace, shutdownGrace, maxConnections, log);
    }
}
