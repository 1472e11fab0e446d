package io.jworkers.runtime.http;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drops public connections whose client stopped sending: the slowloris defence.
 *
 * <p>Why our own: Helidon 4.5 reads connections as blocking NIO channels, which ignore
 * {@code SO_TIMEOUT} ({@code ConnectionConfig.readTimeout} is never applied to them), and its
 * idle-connection check only sees connections that got through their first request. So a
 * client that connects and sends nothing, stalls inside its request line or headers, or stalls
 * inside its body would hold a connection (and a virtual thread) for ever.
 *
 * <p>Every accepted channel is registered here ({@link AcceptedSockets}) and swept a few times
 * per timeout. The clock runs only while the server waits for the client:
 * <ul>
 * <li>from accept until a complete request head reached the router: the read timeout;</li>
 * <li>after a response, until the next request head: the idle timeout (keep-alive);</li>
 * <li>while the worker is blocked reading the request body ({@link TimedBodyStream}): the read
 *     timeout per read, so a slow upload that keeps sending is fine;</li>
 * <li>never while the worker computes: a slow worker is bounded by its deadline, not by this.</li>
 * </ul>
 * A connection waiting for a request head is closed: Helidon's blocked read fails with a closed
 * channel, which it takes quietly for a client that went away. A connection whose body stalled
 * only has its input shut down, so that the worker's read ends and the request can still be
 * answered 408 (see {@link Connection#bodyFailure()}); should it still be open one read timeout
 * later, it is closed too.
 */
final class ClientTimeouts implements AutoCloseable {

    private final System.Logger log;
    private final long readNanos;
    private final long idleNanos;
    private final Map<SocketAddress, Connection> connections = new ConcurrentHashMap<>();
    private final ThreadLocal<Connection> lastLookedUp = new ThreadLocal<>();
    private final ScheduledFuture<?> sweeper;

    /**
     * Starts sweeping.
     *
     * @param read how long the server waits for a request head or for the next body bytes
     * @param idle how long a keep-alive connection may wait for its next request
     * @param timer where the sweep runs
     * @param log where dropped clients are logged
     */
    ClientTimeouts(Duration read, Duration idle, ScheduledExecutorService timer, System.Logger log) {
        this.log = log;
        this.readNanos = read.toNanos();
        this.idleNanos = idle.toNanos();
        // A quarter of the shorter timeout: a connection is dropped at most 25 % late.
        long period = Math.clamp(Math.min(read.toMillis(), idle.toMillis()) / 4, 10, 1000);
        this.sweeper = timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers a connection just accepted; its read timeout starts now.
     *
     * @param channel the connection
     */
    void accepted(SocketChannel channel) {
        try {
            SocketAddress remote = channel.getRemoteAddress();
            if (remote != null) {
                connections.put(remote, new Connection(channel, remote, System.nanoTime()));
            }
        } catch (IOException closedAlready) {
            // Nothing to watch.
        }
    }

    /**
     * A request head arrived on a connection: its clock stops until the request ends, except while
     * the body is being waited for.
     *
     * @param remote the client's address, which names the connection
     * @return the connection, or a detached one if it is not watched (never null)
     */
    Connection requestStarted(SocketAddress remote) {
        Connection connection = watched(remote);
        if (connection == null) {
            return new Connection(null, remote, System.nanoTime());
        }
        // Volatile writes only when there is something to reset: most requests have no body.
        if (connection.bodyBytes != 0) {
            connection.bodyBytes = 0;
        }
        if (connection.bodyFailure != null) {
            connection.bodyFailure = null;
        }
        connection.requests.incrementAndGet();
        return connection;
    }

    /**
     * The watched connection of a client, or {@code null}. Helidon serves each connection on a
     * virtual thread of its own, so the thread remembers the connection it last looked up and the
     * requests after the first skip the map; the address check keeps any other threading correct.
     */
    private Connection watched(SocketAddress remote) {
        if (remote == null) {
            return null;
        }
        Connection last = lastLookedUp.get();
        if (last != null && (last.remote == remote || last.remote.equals(remote))) {
            return last;
        }
        Connection connection = connections.get(remote);
        if (connection != null) {
            lastLookedUp.set(connection);
        }
        return connection;
    }

    /**
     * A request ended: the idle timeout starts.
     *
     * @param connection what {@link #requestStarted} returned
     */
    void requestEnded(Connection connection) {
        connection.since = System.nanoTime();
        if (!connection.served) {
            connection.served = true;
        }
        connection.requests.decrementAndGet();
    }

    /**
     * How many watched connections are open.
     *
     * @return the count
     */
    int open() {
        int open = 0;
        for (Connection connection : connections.values()) {
            if (connection.channel.isOpen()) {
                open++;
            }
        }
        return open;
    }

    /**
     * The watched connection of a client.
     *
     * @param remote the client's address
     * @return the connection, or a detached one if it is not watched (never null)
     */
    Connection connectionOf(SocketAddress remote) {
        Connection connection = watched(remote);
        return connection != null ? connection : new Connection(null, remote, System.nanoTime());
    }

    @Override
    public void close() {
        sweeper.cancel(false);
        connections.clear();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Connection connection : connections.values()) {
            try {
                check(connection, now);
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "checking the connection of " + connection.remote + " failed: " + e);
            }
        }
    }

    private void check(Connection connection, long now) {
        if (!connection.channel.isOpen()) {
            connections.remove(connection.remote, connection);
            return;
        }
        if (connection.droppedAt != 0) {
            if (now - connection.droppedAt > readNanos) {
                closeQuietly(connection.channel);
            }
            return;
        }
        long bodyWait = connection.bodyReadSince;
        if (connection.requests.get() > 0) {
            if (bodyWait != 0 && now - bodyWait > readNanos) {
                connection.bodyFailure = BodyFailure.TIMED_OUT;
                connection.droppedAt = now;
                log.log(Level.INFO, "dropped client " + connection.remote + ": its request body stopped for "
                        + millis(readNanos) + " ms after " + connection.bodyBytes + " bytes");
                // Input only: the worker's read ends, and the 408 can still be written.
                try {
                    connection.channel.shutdownInput();
                } catch (IOException e) {
                    closeQuietly(connection.channel);
                }
            }
        } else if (connection.served && now - connection.since > idleNanos) {
            connection.droppedAt = now;
            log.log(Level.DEBUG, "closed keep-alive connection of " + connection.remote + ", idle for "
                    + millis(idleNanos) + " ms");
            closeQuietly(connection.channel);
        } else if (!connection.served && now - connection.since > readNanos) {
            connection.droppedAt = now;
            log.log(Level.INFO, "dropped client " + connection.remote + ": no complete request head within "
                    + millis(readNanos) + " ms of connecting");
            // Closed outright: with its input merely shut, Helidon would take the end of a half-read
            // head for an internal error, log its stack and answer 500.
            closeQuietly(connection.channel);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closed is closed.
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** One watched connection; the fields are written by its request thread and read by the sweep. */
    static final class Connection {
        private final SocketChannel channel;
        private final SocketAddress remote;
        private final AtomicInteger requests = new AtomicInteger();
        private volatile long since;
        private volatile boolean served;
        private volatile long bodyReadSince;
        private volatile long bodyBytes;
        private volatile BodyFailure bodyFailure;
        private volatile String bodyFailureDetail;
        private volatile long droppedAt;

        private Connection(SocketChannel channel, SocketAddress remote, long since) {
            this.channel = channel;
            this.remote = remote;
            this.since = since;
        }

        /**
         * Why the body of the current request ended early, if it did: the client stopped sending
         * (and was dropped), sent too much or garbage, or went away. The worker's failure to read
         * it is then the client's fault, not a 500.
         *
         * @return the failure, or {@code null} while the body is fine
         */
        BodyFailure bodyFailure() {
            return bodyFailure;
        }

        /**
         * Records that a read of the request body failed, unless an earlier failure explains it
         * (a timed-out body fails its next read too).
         *
         * @param cause what the read threw
         * @return what the reader should throw instead
         */
        IOException bodyFailed(Throwable cause) {
            BodyFailure failure = bodyFailure;
            if (failure == null) {
                failure = BodyFailure.of(cause);
                bodyFailureDetail = BodyFailure.detail(cause);
                bodyFailure = failure;
            }
            return failure.toException(cause, bodyBytes);
        }

        /**
         * What Helidon said about the failed read, in a few words.
         *
         * @return the detail, or {@code null}
         */
        String bodyFailureDetail() {
            return bodyFailureDetail;
        }

        /**
         * How many body bytes of the current request arrived.
         *
         * @return the count
         */
        long bodyBytes() {
            return bodyBytes;
        }

        /**
         * The client's address.
         *
         * @return the address, or {@code null} if unknown
         */
        SocketAddress remote() {
            return remote;
        }

        void bodyReadStarted() {
            bodyReadSince = System.nanoTime();
        }

        void bodyReadEnded(int bytes) {
            bodyReadSince = 0;
            if (bytes > 0) {
                bodyBytes += bytes;
            }
        }
    }
}
