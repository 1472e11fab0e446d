package io.jworkers.runtime.http;

import io.helidon.webserver.WebServer;
import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Puts a {@link RetryingServerSocket} in place of the listening socket of a started Helidon 4.5
 * server. Helidon has no option for what its accept loop does on an accept error (it stops the
 * listener) and no hook that receives the listening socket, so this reaches into two private
 * fields: {@code LoomServer.listeners} and {@code ServerListener.serverSocket}. The accept loop
 * reads the latter (a volatile field) afresh for every {@code accept()}, so a socket put there is
 * used from the next connection on. This is the one place that knows Helidon's internals; a
 * Helidon that renames them makes {@link #wrap} fail, which the fd-exhaustion test catches.
 */
final class ListenerSockets {

    private ListenerSockets() {
    }

    /**
     * Replaces every listener's socket of a started server.
     *
     * @param server a started {@code WebServer}
     * @param wrapper makes the replacement of a socket
     * @return the replacements
     * @throws IllegalStateException if this Helidon's internals are not the ones expected
     */
    static List<RetryingServerSocket> wrap(WebServer server, Function<ServerSocketChannel, RetryingServerSocket> wrapper) {
        try {
            Field listenersField = server.getClass().getDeclaredField("listeners");
            listenersField.setAccessible(true);
            List<RetryingServerSocket> wrapped = new ArrayList<>();
            for (Object listener : ((Map<?, ?>) listenersField.get(server)).values()) {
                Field socketField = listener.getClass().getDeclaredField("serverSocket");
                socketField.setAccessible(true);
                RetryingServerSocket socket = wrapper.apply((ServerSocketChannel) socketField.get(listener));
                socketField.set(listener, socket);
                wrapped.add(socket);
            }
            return wrapped;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach the listening socket of " + server.getClass().getName()
                    + " (not the Helidon 4.5 this host was built with?): " + e, e);
        }
    }
}
