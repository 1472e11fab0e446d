package io.jworkers.runtime.dev;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.jworkers.runtime.dashboard.LoopbackHost;
import io.jworkers.runtime.http.ConnectionLimits;
import io.jworkers.runtime.http.GuardedListener;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.metrics.HostMetrics;
import io.jworkers.runtime.metrics.MetricsRoute;
import java.util.function.Consumer;

/**
 * The admin listener of {@code jworkers dev}: loopback only and without a token (dev runs on a
 * developer's machine, as its public listener does), serving {@code GET /metrics} and whatever
 * routes the caller adds (the dashboard, the live tail). A request addressed to any other name
 * than a loopback one with this port is refused with 403 ({@link LoopbackHost}: a web page whose
 * site name points at 127.0.0.1 must not read it). Guarded as serve's admin listener is
 * (timeouts, a connection bound of its own).
 */
public final class DevAdminServer implements AutoCloseable {

    /** The default port: next to dev's 8787, apart from serve's 9090 (and Prometheus' own 9090). */
    public static final int DEFAULT_PORT = 8788;

    private final GuardedListener listener;
    private final WebServer server;
    private final String host;

    private DevAdminServer(String host, int port, HostMetrics metrics, Consumer<HttpRouting.Builder> moreRoutes) {
        this.host = host;
        this.listener = new GuardedListener("dev admin listener", host, port, "--admin-port",
                ConnectionLimits.adminDefault(), IngressSettings.DEFAULT_READ_TIMEOUT, IngressSettings.DEFAULT_IDLE_TIMEOUT,
                "jworkers.admin");
        this.server = listener.configure(WebServer.builder())
                .shutdownHook(false)
                .routing(routing -> {
                    routing.addFilter(listener.filter());
                    routing.any((request, response) -> {
                        if (LoopbackHost.allows(request)) {
                            response.next();
                        } else {
                            LoopbackHost.refuse(request, response);
                        }
                    });
                    MetricsRoute.register(routing, metrics);
                    moreRoutes.accept(routing);
                })
                .build();
    }

    /**
     * Starts the listener on a loopback address.
     *
     * @param host a loopback address, e.g. {@code 127.0.0.1}
     * @param port the port, 0 for a free one
     * @param metrics the host's metrics
     * @param moreRoutes adds further routes (the dashboard's), or does nothing
     * @return the running listener
     * @throws IllegalArgumentException if {@code host} is not a loopback address
     */
    public static DevAdminServer start(String host, int port, HostMetrics metrics, Consumer<HttpRouting.Builder> moreRoutes) {
        if (!isLoopback(host)) {
            throw new IllegalArgumentException("The dev admin listener listens on loopback only, not " + host
                    + ": it has no token");
        }
        DevAdminServer admin = new DevAdminServer(host, port, metrics, moreRoutes);
        try {
            admin.listener.start(admin.server);
        } catch (RuntimeException e) {
            admin.listener.close();
            throw e;
        }
        return admin;
    }

    /**
     * The port it listens on.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * Its base URL.
     *
     * @return e.g. {@code http://127.0.0.1:8788}
     */
    public String url() {
        return "http://" + host + ":" + port();
    }

    /**
     * What to do if the listener stops accepting connections while it should not.
     *
     * @param action takes a sentence that says which listener stopped and why
     */
    public void whenListenerFails(Consumer<String> action) {
        listener.whenFails(action);
    }

    @Override
    public void close() {
        listener.close();
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
