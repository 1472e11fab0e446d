package io.jworkers.runtime.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that tells its connection's {@link ClientTimeouts} when a read is waiting for the
 * client, so that the read timeout counts only time spent waiting for body bytes, never time the
 * worker spends computing between reads. A read that fails (a malformed chunk, a body past
 * {@code --max-body}, a client gone) is recorded on the connection as a {@link BodyFailure}, so
 * the ingress answers it as the client's error, and the worker gets an {@link IOException} that
 * says what happened instead of Helidon's internal exception.
 */
final class TimedBodyStream extends FilterInputStream {

    private final ClientTimeouts.Connection connection;

    TimedBodyStream(InputStream body, ClientTimeouts.Connection connection) {
        super(body);
        this.connection = connection;
    }

    @Override
    public int read() throws IOException {
        connection.bodyReadStarted();
        int value = -1;
        try {
            value = super.read();
            return value;
        } catch (IOException | RuntimeException e) {
            throw connection.bodyFailed(e);
        } finally {
            connection.bodyReadEnded(value < 0 ? 0 : 1);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        connection.bodyReadStarted();
        int count = 0;
        try {
            count = super.read(buffer, offset, length);
            return count;
        } catch (IOException | RuntimeException e) {
            throw connection.bodyFailed(e);
        } finally {
            connection.bodyReadEnded(count);
        }
    }

    @Override
    public long skip(long count) throws IOException {
        connection.bodyReadStarted();
        long skipped = 0;
        try {
            skipped = super.skip(count);
            return skipped;
        } catch (IOException | RuntimeException e) {
            throw connection.bodyFailed(e);
        } finally {
            connection.bodyReadEnded((int) Math.min(Integer.MAX_VALUE, skipped));
        }
    }

    // Helidon's close reads the rest of the body, to keep the connection: timed like any read. After
    // a failure there is nothing worth reading (the connection closes): Helidon would try to read a
    // chunk of whatever size the broken encoding announced, for as long as the client stays.
    @Override
    public void close() throws IOException {
        if (connection.bodyFailure() != null) {
            return;
        }
        connection.bodyReadStarted();
        try {
            super.close();
        } catch (IOException | RuntimeException e) {
            throw connection.bodyFailed(e);
        } finally {
            connection.bodyReadEnded(0);
        }
    }
}
