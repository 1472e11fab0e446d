package io.jworkers.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BundleUpload} on its own, for what the admin API's tests cannot reach: Helidon refuses an
 * over-long body before this counter sees it, so here the body comes from a plain stream.
 */
class BundleUploadTest {

    @TempDir
    Path tmp;

    @Test
    void aBodyUpToTheLimitIsWrittenWhole() throws IOException {
        Path file = tmp.resolve("upload.zip");
        assertEquals(1000, BundleUpload.receive(new ByteArrayInputStream(new byte[1000]), OptionalLong.empty(), file, 1000));
        assertEquals(1000, Files.size(file));
    }

    @Test
    void aBodyWithoutALengthIsCutOffOnceItPassesTheLimitNeverWritingMore() throws IOException {
        Path file = tmp.resolve("upload.zip");
        ByteArrayInputStream body = new ByteArrayInputStream(new byte[300_000]);
        UploadTooLargeException e = assertThrows(UploadTooLargeException.class,
                () -> BundleUpload.receive(body, OptionalLong.empty(), file, 200_000));
        assertEquals("The upload is larger than 200000 bytes, the largest bundle this host accepts. Make the worker smaller:"
                + " jworkers deploy packs every folder and jar its classpath lists, so drop what the worker does not need.",
                e.getMessage());
        assertEquals(196_608, Files.size(file), "only whole buffers within the limit were written");
    }

    @Test
    void aContentLengthOverTheLimitIsRefusedBeforeAnythingIsRead() {
        ByteArrayInputStream body = new ByteArrayInputStream(new byte[10]);
        assertThrows(UploadTooLargeException.class,
                () -> BundleUpload.receive(body, OptionalLong.of(2L << 20), tmp.resolve("upload.zip"), 1 << 20));
        assertEquals(10, body.available(), "not a byte read");
        assertEquals(false, Files.exists(tmp.resolve("upload.zip")));
    }

    @Test
    void aFullDiskSaysSoNamingTheFolder() {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "Linux's /dev/full");
        NoSpaceLeftException e = assertThrows(NoSpaceLeftException.class,
                () -> BundleUpload.receive(new ByteArrayInputStream(new byte[10]), OptionalLong.empty(), full, 1000));
        assertEquals("No space left on device while receiving the bundle in /dev; nothing was deployed. Free space on that"
                + " file system (it holds the --state folder), then deploy again.", e.getMessage());
        assertEquals("No space left on device", e.getCause().getMessage());
    }
}
