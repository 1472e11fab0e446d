package io.jworkers.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A streamed body's clone streams too: both readers get every byte, whatever their pace. */
class StreamedCloneTest {

    private static byte[] data(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static Request streamed(byte[] bytes) {
        return Request.builder("POST", "/").body(new ByteArrayInputStream(bytes)).build();
    }

    @Test
    void interleavedReadersBothGetTheWholeBody() throws IOException {
        byte[] bytes = data(100_000);
        Request original = streamed(bytes);
        Request copy = original.clone();
        try (InputStream a = original.stream(); InputStream b = copy.stream()) {
            byte[] readA = new byte[bytes.length];
            byte[] readB = new byte[bytes.length];
            int offsetA = 0;
            int offsetB = 0;
            while (offsetA < bytes.length || offsetB < bytes.length) {
                if (offsetA < bytes.length) {
                    offsetA += a.read(readA, offsetA, Math.min(1000, bytes.length - offsetA));
                }
                if (offsetB < bytes.length) {
                    offsetB += b.read(readB, offsetB, Math.min(3000, bytes.length - offsetB));
                }
            }
            assertArrayEquals(bytes, readA);
            assertArrayEquals(bytes, readB);
            assertEquals(-1, a.read());
            assertEquals(-1, b.read());
        }
    }

    @Test
    void aBodyLargerThanTheMemoryBoundIsSpooledForTheSlowReader() {
        byte[] bytes = data(3 * Spool.MEMORY_LIMIT + 17);
        Request original = streamed(bytes);
        Request copy = original.clone();
        assertArrayEquals(bytes, original.bytes(), "the first reader reads everything first");
        assertArrayEquals(bytes, copy.bytes(), "the second gets it back from the spool");
    }

    @Test
    void aClosedCloneIsNoLongerFedAndTheOriginalStillReadsEverything() throws IOException {
        byte[] bytes = data(2 * Spool.MEMORY_LIMIT);
        Request original = streamed(bytes);
        original.clone().stream().close();
        assertArrayEquals(bytes, original.bytes());
    }

    @Test
    void aCloneOfACloneStreamsToo() {
        byte[] bytes = data(50_000);
        Request first = streamed(bytes);
        Request second = first.clone();
        Request third = second.clone();
        assertArrayEquals(bytes, third.bytes());
        assertArrayEquals(bytes, first.bytes());
        assertArrayEquals(bytes, second.bytes());
    }
}
