package io.jworkers.runtime.testing;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault for a forked host, set with the JDK's own extension point
 * ({@code -Djava.nio.channels.spi.SelectorProvider=}this class, with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}): everything is the JDK's default,
 * except that the Nth {@code accept()} of the process's listening sockets
 * ({@code -Djworkers.test.failAcceptAt=N}) throws an {@link InternalError}, which is not an accept
 * error a listener may retry: its accept loop ends, as it would on any error left unhandled.
 */
public final class FailingAcceptProvider extends SelectorProvider {

    private static final AtomicInteger ACCEPTS = new AtomicInteger();
    private final SelectorProvider delegate;
    private final int failAt = Integer.getInteger("jworkers.test.failAcceptAt", Integer.MAX_VALUE);

    /** Made by the JDK, once, from the system property. */
    public FailingAcceptProvider() {
        try {
            delegate = (SelectorProvider) Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("run with --add-exports java.base/sun.nio.ch=ALL-UNNAMED", e);
        }
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return delegate.openDatagramChannel();
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return delegate.openDatagramChannel(family);
    }

    @Override
    public Pipe openPipe() throws IOException {
        return delegate.openPipe();
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return delegate.openSelector();
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return new Failing(this, delegate.openServerSocketChannel());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        return new Failing(this, delegate.openServerSocketChannel(family));
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return delegate.openSocketChannel();
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        return delegate.openSocketChannel(family);
    }

    /** The JDK's listening socket, but for the one accept that fails. */
    private static final class Failing extends ServerSocketChannel {
        private final ServerSocketChannel socket;
        private final int failAt;

        Failing(FailingAcceptProvider provider, ServerSocketChannel socket) {
            super(provider);
            this.socket = socket;
            this.failAt = provider.failAt;
        }

        @Override
        public SocketChannel accept() throws IOException {
            SocketChannel accepted = socket.accept();
            if (ACCEPTS.incrementAndGet() == failAt) {
                accepted.close();
                throw new InternalError("accept number " + failAt + " fails (jworkers.test.failAcceptAt)");
            }
            return accepted;
        }

        @Override
        public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
            socket.bind(local, backlog);
            return this;
        }

        @Override
        public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
            socket.setOption(name, value);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) throws IOException {
            return socket.getOption(name);
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return socket.supportedOptions();
        }

        @Override
        public ServerSocket socket() {
            return socket.socket();
        }

        @Override
        public SocketAddress getLocalAddress() throws IOException {
            return socket.getLocalAddress();
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            socket.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            socket.configureBlocking(block);
        }
    }
}
