package io.jworkers.runtime.http;

import io.helidon.common.socket.SocketOptions;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Helidon's socket options with one addition: every accepted connection is also handed to a
 * consumer. Helidon 4.5 gives a listener no other hook that sees a connection before its first
 * byte: its listener thread calls {@link #configureSocket(SocketChannel)} on each channel right
 * after {@code accept()}, while the connection selectors only run once bytes have arrived, so a
 * client that connects and stays silent would be invisible to them.
 */
final class AcceptedSockets implements SocketOptions {

    private final SocketOptions delegate;
    private final Consumer<SocketChannel> onAccept;

    AcceptedSockets(SocketOptions delegate, Consumer<SocketChannel> onAccept) {
        this.delegate = delegate;
        this.onAccept = onAccept;
    }

    @Override
    public void configureSocket(SocketChannel channel) {
        delegate.configureSocket(channel);
        onAccept.accept(channel);
    }

    @Override
    public void configureSocket(Socket socket) {
        delegate.configureSocket(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return delegate.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return delegate.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return delegate.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return delegate.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return delegate.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return delegate.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return delegate.tcpNoDelay();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
