package io.jworkers.runtime.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalInt;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What each listener of the host (the public one, the admin one) adds to Helidon's WebServer so
 * that it survives its clients and the machine:
 * <ul>
 * <li>a bound on the connections open at once ({@code maxTcpConnections}: Helidon takes no
 *     connection past it, they wait in the accept queue), logged when reached;</li>
 * <li>the read and idle timeouts of {@link ClientTimeouts};</li>
 * <li>an accept loop that outlasts accept errors such as "Too many open files"
 *     ({@link RetryingServerSocket}), and, should the listener stop anyway, a call to
 *     {@link #whenFails} so that the process can exit and be restarted;</li>
 * <li>HTTP/1.1 first, then {@link OtherVersionsSelector} for HTTP/1.0 and the versions that get 505;</li>
 * <li>a clean error for a port in use, before Helidon logs its own stack trace.</li>
 * </ul>
 */
public final class GuardedListener implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("jworkers.listener");
    private static final Duration KICK_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final String host;
    private final int port;
    private final String portOption;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final ScheduledExecutorService timer;
    private final ClientTimeouts timeouts;
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile WebServer server;
    private volatile Kick kick;
    private volatile boolean closing;
    private volatile boolean atLimit;
    private volatile Consumer<String> onFailure;

    /**
     * Creates the guard of one listener.
     *
     * @param name what messages call it, e.g. {@code public listener}
     * @param host the address it binds
     * @param port the port it binds, 0 for a free one
     * @param portOption the option that sets the port, for the port-in-use message, e.g. {@code --port}
     * @param maxConnections the most connections open at once
     * @param readTimeout see {@link IngressSettings#readTimeout()}
     * @param idleTimeout see {@link IngressSettings#idleTimeout()}
     * @param logger the logger of dropped clients, e.g. {@code jworkers.ingress}
     */
    public GuardedListener(String name, String host, int port, String portOption, int maxConnections,
            Duration readTimeout, Duration idleTimeout, String logger) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.portOption = portOption;
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jworkers-" + name.replace(' ', '-') + "-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        this.timeouts = new ClientTimeouts(readTimeout, idleTimeout, timer, System.getLogger(logger));
        timer.scheduleWithFixedDelay(this::checkLimit, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Sets up a server builder: address, port, connection bound, idle timeout, the hook that
     * sees every accepted connection, and the connection selectors, HTTP/1.1 (Helidon's) first.
     *
     * @param builder the builder
     * @param http1 the HTTP/1.1 settings
     * @param http10 serves HTTP/1.0 requests, or {@code null} to answer them 505
     * @param maxRequestLineBytes the longest request line read for other versions
     * @return the builder
     */
    WebServerConfig.Builder configure(WebServerConfig.Builder builder, Http1Config http1,
            OtherVersionsSelector.Http10Service http10, int maxRequestLineBytes) {
        return builder.host(host)
                .port(port)
                .maxTcpConnections(maxConnections)
                // Helidon's own idle check, kept equal to ours so that neither closes keep-alive
                // connections earlier than configured; ClientTimeouts also covers what it misses.
                .idleConnectionTimeout(idleTimeout)
                .connectionOptions(new AcceptedSockets(SocketOptions.create(), this::accepted))
                // Only these two, in this order: no service-loaded HTTP/1 selector before or after them.
                .protocolsDiscoverServices(false)
                .addConnectionSelector(Http1ConnectionSelector.builder().config(http1).build())
                .addConnectionSelector(new OtherVersionsSelector(maxRequestLineBytes, http10));
    }

    /**
     * Sets up a server builder with Helidon's HTTP/1.1 defaults; other versions, HTTP/1.0
     * included, get 505.
     *
     * @param builder the builder
     * @return the builder
     */
    public WebServerConfig.Builder configure(WebServerConfig.Builder builder) {
        return configure(builder, Http1Config.create(), null, 4096);
    }

    /**
     * A filter for a routing of plain Helidon handlers: it tells the timeouts when a request is
     * being served (the clock stops), and closes the connection after a response that says
     * {@code Connection: close}. (The ingress does both itself.)
     *
     * @return the filter, to register first
     */
    public Filter filter() {
        return new Filter() {
            @Override
            public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
                ClientTimeouts.Connection connection = timeouts.requestStarted(request.remotePeer().address());
                try {
                    chain.proceed();
                } finally {
                    timeouts.requestEnded(connection);
                }
                closeIfSaid(response);
            }
        };
    }

    /**
     * Closes the connection after a response that says {@code Connection: close} (because the
     * request asked for it, or the handler): Helidon 4.5 sends the header, then waits for another
     * request on the connection (helidon#12324), and the client waits for the close in vain.
     *
     * @param response a sent response
     * @throws CloseConnectionException to make Helidon close the connection
     */
    static void closeIfSaid(ServerResponse response) {
        if (response.isSent() && response.headers().contains(HeaderValues.CONNECTION_CLOSE)) {
            throw new CloseConnectionException("closed after a response that says Connection: close");
        }
    }

    /**
     * A request's body, timed as the public listener times it: a pause longer than the read
     * timeout drops the client.
     *
     * @param request the request
     * @return the body
     */
    public InputStream body(ServerRequest request) {
        return new TimedBodyStream(request.content().inputStream(), timeouts.connectionOf(request.remotePeer().address()));
    }

    /**
     * Whether the body of the request being served failed as the client's doing, and the status
     * that answers it: 408 (it stopped arriving), 413 (a chunked body over the limit), 400 (malformed
     * chunks) or 0 (the client is gone: no answer).
     *
     * @param request the request
     * @return the status, or empty when its body did not fail
     */
    public OptionalInt bodyFailure(ServerRequest request) {
        BodyFailure failure = timeouts.connectionOf(request.remotePeer().address()).bodyFailure();
        return failure == null ? OptionalInt.empty() : OptionalInt.of(failure.status());
    }

    /**
     * Starts a server configured by {@link #configure}: the port is checked first (a clean error
     * if it is in use), then the accept loop is made to outlast accept errors.
     *
     * @param configured the server
     * @throws IllegalStateException if the port cannot be bound, with the message of {@link ListenFailure}
     */
    public void start(WebServer configured) {
        ListenFailure.ensureAvailable(host, port, portOption);
        configured.start();
        if (!configured.isRunning()) {
            throw ListenFailure.of(host, port, portOption);
        }
        server = configured;
        String where = name + " " + host + ":" + configured.port();
        try {
            ListenerSockets.wrap(configured, socket -> new RetryingServerSocket(socket, where, this::socketClosed));
        } catch (IllegalStateException e) {
            LOG.log(Level.WARNING, "the " + where + " stops for good on its first accept error: " + e.getMessage());
            return;
        }
        try {
            kickAcceptLoop(configured.port());
        } catch (IllegalStateException e) {
            LOG.log(Level.WARNING, "the " + where + " stops for good on an accept error before its first connection: "
                    + e.getMessage());
        }
    }

    /**
     * What to do if the listener stops accepting connections without being closed; it is called
     * once, on a thread of its own. Without it, the failure is logged.
     *
     * @param action takes a sentence that says which listener stopped and why
     */
    public void whenFails(Consumer<String> action) {
        onFailure = action;
    }

    /**
     * The timeouts of the listener's connections.
     *
     * @return the timeouts
     */
    ClientTimeouts timeouts() {
        return timeouts;
    }

    // Helidon closes the socket when it stops the listener: a failure unless close() asked for it.
    private void socketClosed(RetryingServerSocket socket) {
        if (closing || !failed.compareAndSet(false, true)) {
            return;
        }
        Throwable fatal = socket.fatal();
        WebServer running = server;
        String reason = "the " + name + " on " + host + ":" + (running == null ? port : running.port())
                + " stopped accepting connections (" + (fatal == null ? "see the log above" : fatal.toString()) + ")";
        Consumer<String> action = onFailure;
        if (action == null) {
            LOG.log(Level.ERROR, reason);
        } else {
            Thread.ofPlatform().name("jworkers-listener-failed").start(() -> action.accept(reason));
        }
    }

    /** Stops the server (Helidon's graceful stop) and the timeouts. */
    @Override
    public void close() {
        closing = true;
        WebServer running = server;
        if (running != null) {
            running.stop();
        }
        timeouts.close();
        timer.shutdownNow();
    }

    private void accepted(SocketChannel channel) {
        timeouts.accepted(channel);
        Kick pending = kick;
        if (pending != null) {
            pending.check(channel);
        }
    }

    // The accept loop was probably already waiting in the socket Helidon bound when ours replaced
    // it; one connection of our own moves it on to ours, so that even the first client is accepted
    // by a loop that survives accept errors.
    private void kickAcceptLoop(int boundPort) {
        try (Socket socket = new Socket()) {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                address = InetAddress.getLoopbackAddress();
            }
            socket.bind(new InetSocketAddress(address, 0));
            Kick pending = new Kick(socket.getLocalPort());
            kick = pending;
            socket.connect(new InetSocketAddress(address, boundPort), (int) KICK_TIMEOUT.toMillis());
            if (!pending.seen.await(KICK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("its accept loop did not take a connection within " + KICK_TIMEOUT.toSeconds()
                        + " s");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect to it: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            kick = null;
        }
    }

    private void checkLimit() {
        int open = timeouts.open();
        if (open >= maxConnections && !atLimit) {
            atLimit = true;
            LOG.log(Level.WARNING, open + " connections are open on the " + name + ", its limit (" + maxConnections
                    + "): new clients wait in the accept queue until connections close");
        } else if (open < maxConnections && atLimit) {
            atLimit = false;
            LOG.log(Level.INFO, "the " + name + " is below its limit of " + maxConnections + " connections again");
        }
    }

    /** The connection that moves the accept loop on to our socket, known by its client port. */
    private static final class Kick {
        private final int clientPort;
        private final CountDownLatch seen = new CountDownLatch(1);

        Kick(int clientPort) {
            this.clientPort = clientPort;
        }

        void check(SocketChannel channel) {
            try {
                SocketAddress remote = channel.getRemoteAddress();
                if (remote instanceof InetSocketAddress inet && inet.getPort() == clientPort) {
                    seen.countDown();
                }
            } catch (IOException closedAlready) {
                // Not the one.
            }
        }
    }
}
