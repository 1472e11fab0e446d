package io.jworkers.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The body shared by {@link Request} and {@link Response}: bytes or a one-shot stream, readable
 * once, as in Fetch. A missing body is never "used", so reading it twice is allowed (as Fetch
 * does for a {@code null} body).
 */
final class Body {

    static final Body EMPTY = new Body(null, null);

    private byte[] bytes;
    private InputStream stream;
    private boolean used;

    private Body(byte[] bytes, InputStream stream) {
        this.bytes = bytes;
        this.stream = stream;
    }

    static Body of(byte[] bytes) {
        return bytes == null ? EMPTY : new Body(bytes, null);
    }

    static Body of(InputStream stream) {
        return stream == null ? EMPTY : new Body(null, stream);
    }

    boolean isEmpty() {
        return this == EMPTY;
    }

    synchronized boolean used() {
        return used;
    }

    /** Length in bytes when known without reading, else -1. */
    synchronized long knownLength() {
        if (this == EMPTY) {
            return 0;
        }
        return bytes != null ? bytes.length : -1;
    }

    byte[] bytes() {
        if (this == EMPTY) {
            return new byte[0];
        }
        synchronized (this) {
            markUsed();
            if (bytes != null) {
                return bytes.clone();
            }
        }
        try (InputStream in = stream) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the body failed: " + e.getMessage(), e);
        }
    }

    String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    InputStream stream() {
        if (this == EMPTY) {
            return InputStream.nullInputStream();
        }
        synchronized (this) {
            markUsed();
            return bytes != null ? new ByteArrayInputStream(bytes) : stream;
        }
    }

    /**
     * An independent copy. A byte body is shared (it is never handed out without a copy); a
     * stream body is split by a {@link StreamTee}, which keeps only what the slower of the two
     * readers has not read yet (spooled to a temporary file past 1 MiB).
     */
    Body copy() {
        if (this == EMPTY) {
            return EMPTY;
        }
        synchronized (this) {
            if (used) {
                throw new IllegalStateException("Cannot clone: the body has already been read");
            }
            if (bytes != null) {
                return new Body(bytes, null);
            }
            InputStream[] readers = StreamTee.split(stream);
            stream = readers[0];
            return new Body(null, readers[1]);
        }
    }

    private void markUsed() {
        if (used) {
            throw new IllegalStateException(
                    "The body has already been read; read it once, or clone() the message before reading");
        }
        used = true;
    }
}
