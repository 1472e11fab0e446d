package io.jworkers.runtime.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Receives an uploaded bundle into a file, counting its bytes: an upload over the limit is refused
 * as soon as that is known, before reading when its Content-Length says so, else once its bytes
 * pass the limit (a chunked body), so no more than the limit is ever written.
 */
public final class BundleUpload {

    private static final int BUFFER = 1 << 16;

    private BundleUpload() {
    }

    /**
     * Writes the body to the file.
     *
     * @param body the request body
     * @param contentLength the body's Content-Length, empty when it is chunked
     * @param file the file to write, created or truncated
     * @param maxBytes the largest upload accepted
     * @return the bytes received
     * @throws UploadTooLargeException if the body is over {@code maxBytes}
     * @throws NoSpaceLeftException if the disk filled up
     * @throws UncheckedIOException if reading the body or writing the file failed otherwise
     */
    public static long receive(InputStream body, OptionalLong contentLength, Path file, long maxBytes) {
        if (contentLength.isPresent() && contentLength.getAsLong() > maxBytes) {
            throw new UploadTooLargeException(maxBytes);
        }
        long received = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = body.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                received += n;
                if (received > maxBytes) {
                    throw new UploadTooLargeException(maxBytes);
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
            return received;
        } catch (IOException e) {
            if (NoSpaceLeftException.isDiskFull(e)) {
                throw new NoSpaceLeftException("receiving the bundle", file.toAbsolutePath().getParent(), e);
            }
            throw new UncheckedIOException("Receiving the bundle into " + file + " failed: " + e.getMessage(), e);
        }
    }
}
