package io.jworkers.runtime.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The test's side of the metered fixture's latch ({@code /hold?port=N}, {@code /linger?port=N}):
 * a loopback socket the worker connects to and then waits on. The worker's class loader shares no
 * class with the test, but a socket crosses it.
 */
final class WorkerLatch implements AutoCloseable {

    private final ServerSocket server;
    private Socket worker;

    WorkerLatch() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // Bounded like Await: a worker that never comes fails the test instead of hanging it.
        server.setSoTimeout(30_000);
    }

    /** @return the port to give the worker */
    int port() {
        return server.getLocalPort();
    }

    /** Waits until the worker reached the latch: it is now held there. */
    void awaitWorker() throws IOException {
        worker = server.accept();
    }

    /** Lets the worker go on. */
    void open() throws IOException {
        worker.getOutputStream().write(1);
        worker.close();
    }

    @Override
    public void close() {
        try {
            if (worker != null) {
                worker.close();
            }
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
