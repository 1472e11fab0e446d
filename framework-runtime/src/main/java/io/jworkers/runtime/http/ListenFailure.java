package io.jworkers.runtime.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * A listener that cannot bind its address, said in one line: which address, why, and which
 * option picks another. Helidon's {@code WebServer.start()} logs a bind failure with its stack
 * trace and returns a server that is not running, without throwing; so the port is tried first
 * ({@link #ensureAvailable}), and only a port taken in the instant between that try and Helidon's
 * bind still meets Helidon's log ({@link #of}).
 */
public final class ListenFailure {

    private ListenFailure() {
    }

    /**
     * Binds the address once, as Helidon will (with {@code SO_REUSEADDR}, so that connections of a
     * previous run in {@code TIME_WAIT} do not count), and lets it go.
     *
     * @param host the address to listen on
     * @param port the port; 0 (any free port) is not checked
     * @param option the command-line option that sets the port, e.g. {@code --port}
     * @throws IllegalStateException if it cannot be bound, with the message of {@link #of}
     */
    public static void ensureAvailable(String host, int port, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
        } catch (IOException e) {
            throw failure(host, port, e.getMessage(), option);
        }
    }

    /**
     * Describes a listener that did not start.
     *
     * @param host the address it was to listen on
     * @param port the port
     * @param option the command-line option that sets the port, e.g. {@code --port}
     * @return the exception to throw
     */
    public static IllegalStateException of(String host, int port, String option) {
        return failure(host, port, reason(host, port), option);
    }

    private static IllegalStateException failure(String host, int port, String reason, String option) {
        return new IllegalStateException("cannot listen on " + host + ":" + port + " (" + reason
                + "); stop the process that uses it, or pick another port with " + option + " (0 picks a free one)");
    }

    // Helidon keeps the cause to its log; binding once more here finds it again.
    private static String reason(String host, int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            return "it was busy a moment ago";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
