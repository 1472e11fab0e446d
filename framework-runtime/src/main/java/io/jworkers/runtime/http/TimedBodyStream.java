package io.jworkers.runtime.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that tells its connection's {@link ClientTimeouts} when a read is waiting for the
 * client, so that the read timeout counts only time spent waiting for body bytes, never time the
 * worker spends computing between reads.
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
        } finally {
            connection.bodyReadEnded((int) Math.min(Integer.MAX_VALUE, skipped));
        }
    }
}
