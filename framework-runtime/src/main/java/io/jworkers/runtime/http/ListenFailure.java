package io.jworkers.runtime.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Helidon's {@code WebServer.start()} logs a bind failure and returns a server that is not
 * running, without throwing; this turns that into an error that says which address failed, why,
 * and which option picks another.
 */
public final class ListenFailure {

    private ListenFailure() {
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
        return new IllegalStateException("cannot listen on " + host + ":" + port + " (" + reason(host, port)
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
