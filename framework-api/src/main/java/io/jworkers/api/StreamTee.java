package io.jworkers.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;

/**
 * Splits one one-shot stream into two readers (a body and its clone). Whichever reads ahead
 * pulls from the source; the other's unread bytes wait in its {@link Spool}. A reader that is
 * closed, or dropped and collected without being read, stops being fed, so cloning a request
 * for a worker that never reads the body costs next to nothing.
 */
final class StreamTee {

    private final InputStream source;
    private final Spool[] spools = {new Spool(), new Spool()};
    private final boolean[] closed = new boolean[2];
    @SuppressWarnings("unchecked")
    private final WeakReference<Reader>[] readers = new WeakReference[2];
    private boolean sourceDone;

    private StreamTee(InputStream source) {
        this.source = source;
    }

    /**
     * Two readers of one stream.
     *
     * @param source the stream to split
     * @return the two readers
     */
    static InputStream[] split(InputStream source) {
        StreamTee tee = new StreamTee(source);
        Reader first = tee.new Reader(0);
        Reader second = tee.new Reader(1);
        tee.readers[0] = new WeakReference<>(first);
        tee.readers[1] = new WeakReference<>(second);
        return new InputStream[] {first, second};
    }

    private synchronized int read(int index, byte[] bytes, int offset, int length) throws IOException {
        if (closed[index]) {
            throw new IOException("The body stream is closed");
        }
        if (!spools[index].isEmpty()) {
            return spools[index].read(bytes, offset, length);
        }
        if (sourceDone) {
            return -1;
        }
        int n = source.read(bytes, offset, length);
        if (n < 0) {
            sourceDone = true;
            return -1;
        }
        int other = 1 - index;
        if (wants(other)) {
            spools[other].write(bytes, offset, n);
        }
        return n;
    }

    private boolean wants(int index) {
        if (!closed[index] && readers[index].get() != null) {
            return true;
        }
        spools[index].discard();
        return false;
    }

    private synchronized void close(int index) throws IOException {
        if (closed[index]) {
            return;
        }
        closed[index] = true;
        spools[index].discard();
        if (closed[1 - index] || readers[1 - index].get() == null) {
            source.close();
        }
    }

    /** One of the two readers. */
    private final class Reader extends InputStream {
        private final int index;

        private Reader(int index) {
            this.index = index;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            return StreamTee.this.read(index, bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            StreamTee.this.close(index);
        }
    }
}
