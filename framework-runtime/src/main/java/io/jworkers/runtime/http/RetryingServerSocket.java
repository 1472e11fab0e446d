package io.jworkers.runtime.http;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A listening socket whose {@link #accept()} outlasts accept errors. Helidon 4.5's accept loop
 * stops the listener for good on any exception from {@code accept()}, and the commonest one is
 * transient: "Too many open files" (EMFILE) when a flood of connections used up the process's
 * file descriptors, here or on the other listener. This socket waits instead, backing off from 10
 * ms to half a second between attempts, until descriptors are free again; the clients meanwhile
 * wait in the accept queue. It logs once per burst of failures, and once when accepting resumes.
 *
 * <p>Only {@link IOException}s are retried: a closed socket ({@link ClosedChannelException}) ends
 * the loop as before, and an {@link Error} is not an accept error. Every other call goes to the
 * socket Helidon opened and bound. Its close is reported: Helidon closes it first when it stops the
 * listener, whether asked to or on its own because its loop failed (after which Helidon 4.5 waits
 * for its own loop to end, from within that loop, and never calls the routing's {@code afterStop}).
 */
final class RetryingServerSocket extends ServerSocketChannel {

    private static final System.Logger LOG = System.getLogger("jworkers.listener");
    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long LONGEST_PAUSE_MILLIS = 500;

    private final ServerSocketChannel delegate;
    private final String listener;
    private final Consumer<RetryingServerSocket> closed;
    private volatile Throwable fatal;

    /**
     * Wraps a bound socket.
     *
     * @param delegate the socket Helidon opened and bound
     * @param listener what the log calls it, e.g. {@code public listener 127.0.0.1:8787}
     * @param closed told when the socket was closed
     */
    RetryingServerSocket(ServerSocketChannel delegate, String listener, Consumer<RetryingServerSocket> closed) {
        super(delegate.provider());
        this.delegate = delegate;
        this.listener = listener;
        this.closed = closed;
    }

    /**
     * What made {@link #accept()} give up for good, other than the socket being closed.
     *
     * @return the throwable, or {@code null}
     */
    Throwable fatal() {
        return fatal;
    }

    @Override
    public SocketChannel accept() throws IOException {
        long failures = 0;
        long firstFailure = 0;
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            try {
                SocketChannel accepted = delegate.accept();
                if (failures > 0) {
                    LOG.log(Level.INFO, "accepting connections on the " + listener + " again, after " + failures
                            + " failed attempts in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstFailure)
                            + " ms");
                }
                return accepted;
            } catch (ClosedChannelException closed) {
                throw closed;
            } catch (IOException e) {
                if (!delegate.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                if (failures++ == 0) {
                    firstFailure = System.nanoTime();
                    LOG.log(Level.WARNING, "cannot accept connections on the " + listener + ": " + e.getMessage()
                            + "; retrying until it works again (new clients wait in the accept queue)");
                }
                pauseBeforeRetry(pause);
                pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
            } catch (RuntimeException | Error e) {
                fatal = e;
                throw e;
            }
        }
    }

    private void pauseBeforeRetry(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // Helidon interrupts its listener thread when it stops, after closing the socket.
            Thread.currentThread().interrupt();
            throw new AsynchronousCloseException();
        }
        if (!delegate.isOpen()) {
            throw new AsynchronousCloseException();
        }
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        delegate.bind(local, backlog);
        return this;
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        delegate.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return delegate.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return delegate.supportedOptions();
    }

    @Override
    public ServerSocket socket() {
        return delegate.socket();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return delegate.getLocalAddress();
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        try {
            delegate.close();
        } finally {
            closed.accept(this);
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        delegate.configureBlocking(block);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
