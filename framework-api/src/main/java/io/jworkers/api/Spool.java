package io.jworkers.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

/**
 * Bytes one reader of a teed body has not read yet, first in memory, then (past a bound) in a
 * temporary file, so a slow or absent reader costs disk, not heap. Not thread-safe: the tee
 * guards it.
 */
final class Spool {

    static final int MEMORY_LIMIT = 1024 * 1024;

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private long memoryBytes;
    private Path path;
    private FileChannel file;
    private long written;
    private long read;

    boolean isEmpty() {
        return memoryBytes == 0 && written == read;
    }

    void write(byte[] bytes, int offset, int length) {
        if (file == null && memoryBytes + length <= MEMORY_LIMIT) {
            byte[] chunk = new byte[length];
            System.arraycopy(bytes, offset, chunk, 0, length);
            chunks.add(chunk);
            memoryBytes += length;
            return;
        }
        try {
            if (file == null) {
                path = Files.createTempFile("jworkers-body-", ".spool");
                file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) {
                written += file.write(buffer, written);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Spooling a body for its clone failed: " + e.getMessage(), e);
        }
    }

    int read(byte[] bytes, int offset, int length) {
        if (memoryBytes > 0) {
            byte[] head = chunks.peekFirst();
            int n = Math.min(length, head.length - headOffset);
            System.arraycopy(head, headOffset, bytes, offset, n);
            headOffset += n;
            memoryBytes -= n;
            if (headOffset == head.length) {
                chunks.removeFirst();
                headOffset = 0;
            }
            return n;
        }
        try {
            int n = file.read(ByteBuffer.wrap(bytes, offset, (int) Math.min(length, written - read)), read);
            read += n;
            if (read == written) {
                discard();
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading a spooled body failed: " + e.getMessage(), e);
        }
    }

    /** Drops everything; the file, if any, is closed and deleted. */
    void discard() {
        chunks.clear();
        headOffset = 0;
        memoryBytes = 0;
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // DELETE_ON_CLOSE already tried; nothing else to do.
            }
            file = null;
            path = null;
        }
        written = 0;
        read = 0;
    }
}
