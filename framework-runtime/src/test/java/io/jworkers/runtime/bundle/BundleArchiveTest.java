package io.jworkers.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.ZipBytes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link BundleArchive} on real zip files written in the test, byte by byte where
 * {@code java.util.zip} would refuse to write them: what it unpacks, the hash it computes, and
 * every zip it refuses with its message and without leaving anything behind.
 */
class BundleArchiveTest {

    private static final String CONFIG = "{ \"name\": \"hello\", \"classpath\": [\"classpath/0\"] }";
    private static final BundleLimits SMALL = new BundleLimits(1 << 20, 1 << 20, 8);

    @TempDir
    Path tmp;

    private Path write(byte[] zip) throws IOException {
        return Files.write(Files.createTempFile(tmp, "bundle", ".zip"), zip);
    }

    private Path target() {
        return tmp.resolve("unpacked");
    }

    private UnpackedBundle extract(ZipBytes zip) throws IOException {
        return BundleArchive.extract(write(zip.bytes()), target(), BundleLimits.DEFAULT);
    }

    private static ZipBytes plain() {
        ZipBytes zip = new ZipBytes();
        zip.folder("classpath/0/");
        zip.add("classpath/0/a/A.class", "class A");
        zip.add("classpath/0/B.class", "class B");
        zip.add("worker.json", CONFIG);
        return zip;
    }

    // Refused with exactly this message, and the target folder was never left behind.
    private void assertRefused(String message, ZipBytes zip, BundleLimits limits) throws IOException {
        Path file = write(zip.bytes());
        BundleException e = assertThrows(BundleException.class, () -> BundleArchive.extract(file, target(), limits));
        assertEquals(message, e.getMessage());
        assertFalse(Files.exists(target()), "nothing is left of a refused bundle");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(file), left.toList(), "nothing else was written");
        }
    }

    private void assertRefused(String message, ZipBytes zip) throws IOException {
        assertRefused(message, zip, BundleLimits.DEFAULT);
    }

    private void assertRefused(String message, byte[] zip) throws IOException {
        Path file = write(zip);
        assertEquals(message, assertThrows(BundleException.class,
                () -> BundleArchive.extract(file, target(), BundleLimits.DEFAULT)).getMessage());
        assertFalse(Files.exists(target()), "nothing is left of a refused bundle");
    }

    @Test
    void aPlainZipUnpacksWithItsConfigHashEntryCountAndBytes() throws IOException {
        UnpackedBundle bundle = extract(plain());

        assertEquals(target(), bundle.folder());
        assertEquals("class A", Files.readString(target().resolve("classpath/0/a/A.class")));
        assertEquals("class B", Files.readString(target().resolve("classpath/0/B.class")));
        assertEquals(CONFIG, Files.readString(target().resolve("worker.json")));
        assertEquals(CONFIG, bundle.configJson());
        assertEquals(4, bundle.entries());
        assertEquals(7 + 7 + CONFIG.length(), bundle.bytes());
        assertTrue(bundle.sha256().matches("[0-9a-f]{64}"), bundle.sha256());
        assertEquals(bundle.sha256(), BundleHash.of(target()), "the hash is what the unpacked files hash to");
    }

    @Test
    void theHashCoversTheContentNotTheZipsTimesOrderOrCompression() throws IOException {
        String plain = BundleArchive.extract(write(plain().bytes()), tmp.resolve("a"), BundleLimits.DEFAULT).sha256();

        ZipBytes reordered = plain();
        Collections.reverse(reordered.entries());
        reordered.entries().forEach(ZipBytes.Entry::stored);
        assertEquals(plain, BundleArchive.extract(write(reordered.bytes()), tmp.resolve("b"), BundleLimits.DEFAULT).sha256());

        // java.util.zip's own writer, other times, no explicit folder entries (folders are implied by their files).
        Path jdk = tmp.resolve("jdk.zip");
        try (OutputStream file = Files.newOutputStream(jdk); ZipOutputStream out = new ZipOutputStream(file)) {
            for (String[] entry : List.of(new String[] {"worker.json", CONFIG}, new String[] {"classpath/0/B.class", "class B"},
                    new String[] {"classpath/0/a/A.class", "class A"})) {
                ZipEntry zipEntry = new ZipEntry(entry[0]);
                zipEntry.setLastModifiedTime(FileTime.fromMillis(1_700_000_000_000L));
                out.putNextEntry(zipEntry);
                out.write(entry[1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        assertEquals(plain, BundleArchive.extract(jdk, tmp.resolve("c"), BundleLimits.DEFAULT).sha256());

        ZipBytes changed = plain();
        changed.entries().get(2).content = "class C".getBytes(StandardCharsets.UTF_8);
        assertNotEquals(plain, BundleArchive.extract(write(changed.bytes()), tmp.resolve("d"), BundleLimits.DEFAULT).sha256(),
                "one changed byte changes the hash");
        ZipBytes renamed = plain();
        renamed.entries().get(2).name = "classpath/0/C.class";
        assertNotEquals(plain, BundleArchive.extract(write(renamed.bytes()), tmp.resolve("e"), BundleLimits.DEFAULT).sha256(),
                "a renamed file changes the hash");
        ZipBytes withFolder = plain();
        withFolder.folder("classpath/0/empty/");
        assertNotEquals(plain, BundleArchive.extract(write(withFolder.bytes()), tmp.resolve("f"), BundleLimits.DEFAULT).sha256(),
                "an empty folder is part of what the bundle holds");
    }

    @Test
    void aLocalHeaderNobodyListsBeforeTheEntriesIsRefused() throws IOException {
        // What ZipInputStream reads first (and the old check read): a worker.json the central directory does not list.
        ZipBytes zip = plain();
        ZipBytes.Entry hidden = new ZipBytes().add("worker.json", "{ \"name\": \"other\" }");
        hidden.listed = false;
        zip.entries().add(0, hidden);
        assertRefused("The bundle is refused: bytes 0 to 61 belong to no entry (they come before entry \"classpath/0/\")."
                + " Rebuild it with jworkers deploy.", zip);
    }

    @Test
    void anEntryNobodyListsAfterTheLastEntryIsRefused() throws IOException {
        ZipBytes zip = plain();
        zip.add("classpath/0/Evil.class", "evil").listed = false;
        assertRefused("The bundle is refused: bytes 242 to 299 belong to no entry (they come after the last entry)."
                + " Rebuild it with jworkers deploy.", zip);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            name   | The bundle is refused: entry "worker.json" has a local header that names it "worker.jsox", so zip readers would disagree on what the bundle holds. Rebuild it with jworkers deploy.
            crc    | The bundle is refused: entry "worker.json" has a local header that disagrees with the central directory on its CRC (305419896 against <crc>), so zip readers would disagree on what the bundle holds. Rebuild it with jworkers deploy.
            count  | The bundle is refused: its end record counts 5 entries, but its central directory lists 4. Rebuild it with jworkers deploy.
            """)
    void aLocalHeaderOrEndRecordThatDisagreesWithTheCentralDirectoryIsRefused(String field, String message) throws IOException {
        ZipBytes zip = plain();
        ZipBytes.Entry config = zip.entries().get(3);
        switch (field) {
            case "name" -> config.localName = "worker.jsox";
            case "crc" -> config.localCrc = 0x12345678L;
            default -> zip.declaredCount(5);
        }
        CRC32 crc = new CRC32();
        crc.update(CONFIG.getBytes(StandardCharsets.UTF_8));
        assertRefused(message.replace("<crc>", Long.toString(crc.getValue())), zip);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            bzip2     | entry "classpath/0/B.class" is compressed with method 12; a bundle holds only stored (0) and deflated (8) entries
            encrypted | entry "classpath/0/B.class" is encrypted
            zip64     | entry "classpath/0/B.class" uses Zip64 extensions, which a bundle within the limits never needs
            """)
    void zipFeaturesABundleNeverUsesAreRefused(String feature, String reason) throws IOException {
        ZipBytes zip = plain();
        ZipBytes.Entry entry = zip.entries().get(2);
        switch (feature) {
            case "bzip2" -> entry.method = 12;
            case "encrypted" -> entry.flags |= 1;
            default -> entry.declaredSize = 0xFFFFFFFFL;
        }
        assertRefused("The bundle is refused: " + reason + ". Rebuild it with jworkers deploy.", zip);
    }

    @Test
    void aDataDescriptorThatDisagreesWithTheCentralDirectoryIsRefused() throws IOException {
        // java.util.zip writes deflated entries with a data descriptor (PK 7 8, CRC, sizes) after the data.
        Path jdk = tmp.resolve("jdk.zip");
        try (OutputStream file = Files.newOutputStream(jdk); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("worker.json"));
            out.write(CONFIG.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        byte[] bytes = Files.readAllBytes(jdk);
        assertEquals(CONFIG, BundleArchive.extract(jdk, tmp.resolve("ok"), BundleLimits.DEFAULT).configJson(),
                "a data descriptor that agrees is fine");
        int descriptor = indexOf(bytes, new byte[] {'P', 'K', 7, 8});
        bytes[descriptor + 4] ^= 1;
        Files.delete(jdk);
        CRC32 crc = new CRC32();
        crc.update(CONFIG.getBytes(StandardCharsets.UTF_8));
        assertRefused("The bundle is refused: entry \"worker.json\" has a data descriptor that disagrees with the central"
                + " directory on its CRC (" + (crc.getValue() ^ 1) + " against " + crc.getValue() + "), so zip readers"
                + " would disagree on what the bundle holds. Rebuild it with jworkers deploy.", bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            worker.json           | entry "worker.json" appears twice
            classpath/0/          | entry "classpath/0/" appears twice
            classpath/0/B.class/  | entry "classpath/0/B.class/" is both a file and a folder
            classpath/0/a         | entry "classpath/0/a" is both a file and a folder
            worker.json/x         | entry "worker.json/x" is inside "worker.json", which is a file
            """)
    void aNameThatIsTakenIsRefused(String name, String reason) throws IOException {
        ZipBytes zip = plain();
        if (name.endsWith("/")) {
            zip.folder(name);
        } else {
            zip.add(name, "{}");
        }
        assertRefused("The bundle is refused: " + reason + ". Rebuild it with jworkers deploy.", zip);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0120777 | a symbolic link
            0020644 | a character device
            0060644 | a block device
            0010644 | a named pipe (FIFO)
            0140755 | a socket
            """)
    void anEntryThatIsNotAPlainFileOrFolderIsRefused(String mode, String kind) throws IOException {
        ZipBytes zip = plain();
        zip.add("classpath/0/link", "/etc/passwd").stored().unixMode(Integer.parseInt(mode, 8));
        assertRefused("The bundle is refused: entry \"classpath/0/link\" is " + kind
                + "; a bundle holds only plain files and folders. Rebuild it with jworkers deploy.", zip);
    }

    @Test
    void unixFileAndFolderModesAreAccepted() throws IOException {
        ZipBytes zip = plain();
        zip.entries().get(0).unixMode(040755);
        zip.entries().get(1).unixMode(0100644);
        assertEquals("class A", Files.readString(extract(zip).folder().resolve("classpath/0/a/A.class")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ../evil.txt            | entry "../evil.txt" has a ".." segment, which would unpack outside the bundle
            classpath/../../x      | entry "classpath/../../x" has a ".." segment, which would unpack outside the bundle
            /etc/cron.d/x          | entry "/etc/cron.d/x" is an absolute path; a bundle's entries are relative to the bundle
            classpath\\0\\A.class  | entry "classpath\\\\0\\\\A.class" has a backslash in its name; zip entry names separate folders with /
            a<NUL>b                | entry "a\\u0000b" has a control character (such as NUL) in its name
            ''                     | entry "" has an empty name
            classpath//A.class     | entry "classpath//A.class" is not a plain path (it has an empty or "." segment)
            ./worker2.json         | entry "./worker2.json" is not a plain path (it has an empty or "." segment)
            """)
    void aNameThatIsNotAPlainRelativePathIsRefused(String name, String reason) throws IOException {
        ZipBytes zip = plain();
        zip.add(name.replace("<NUL>", "\0").replace("\\\\", "\\"), "x");
        assertRefused("The bundle is refused: " + reason + ". Rebuild it with jworkers deploy.", zip);
        assertFalse(Files.exists(tmp.getParent().resolve("evil.txt")));
    }

    @Test
    void aNameLongerThanAFileSystemAllowsIsRefused() throws IOException {
        ZipBytes zip = plain();
        String name = "classpath/0/" + "a".repeat(256) + ".class";
        zip.add(name, "x");
        assertRefused("The bundle is refused: entry \"" + name + "\" has a file or folder name longer than 255 bytes."
                + " Rebuild it with jworkers deploy.", zip);
    }

    @Test
    void aZipBombIsRefusedFromItsDeclaredSizesBeforeAnythingIsInflated() throws IOException {
        ZipBytes zip = plain();
        zip.add("classpath/0/zeros.bin", new byte[2 << 20]); // 2 MiB of zeros deflate to about 2 KiB
        assertTrue(zip.bytes().length < 4096, "a small zip: " + zip.bytes().length);
        assertRefused("The bundle is refused: it unpacks to more than the limit of 1 MiB (the entries up to"
                + " \"classpath/0/zeros.bin\" declare " + String.format("%,d", 7 + 7 + CONFIG.length() + (2 << 20))
                + " bytes). Make the worker smaller: jworkers deploy packs"
                + " every folder and jar its classpath lists, so drop what the worker does not need.", zip, SMALL);
    }

    @Test
    void anEntryThatInflatesToMoreThanItDeclaresIsStoppedThere() throws IOException {
        ZipBytes zip = plain();
        zip.add("classpath/0/zeros.bin", new byte[8 << 20]).declaredSize = 100L;
        assertRefused("The bundle is refused: entry \"classpath/0/zeros.bin\" inflates to more than the 100 bytes it"
                + " declares. Rebuild it with jworkers deploy.", zip, SMALL);
    }

    @Test
    void anEntryThatHoldsLessThanItDeclaresIsRefused() throws IOException {
        ZipBytes zip = plain();
        zip.add("classpath/0/short.bin", new byte[10]).declaredSize = 100L;
        assertRefused("The bundle is refused: entry \"classpath/0/short.bin\" holds 10 bytes, not the 100 it declares."
                + " Rebuild it with jworkers deploy.", zip);
    }

    @Test
    void damagedContentIsRefusedByItsCrcAndNothingIsLeftOfWhatWasUnpacked() throws IOException {
        // Stored entries, so that one byte of worker.json's content can be changed in the zip itself.
        ZipBytes stored = plain();
        stored.entries().forEach(ZipBytes.Entry::stored);
        byte[] bytes = stored.bytes();
        int at = indexOf(bytes, CONFIG.getBytes(StandardCharsets.UTF_8));
        bytes[at + 3] = 'N';
        Path file = write(bytes);
        BundleException e = assertThrows(BundleException.class, () -> BundleArchive.extract(file, target(), BundleLimits.DEFAULT));
        assertEquals("The bundle is refused: entry \"worker.json\" has a CRC that does not match its content (the zip is"
                + " damaged). Rebuild it with jworkers deploy.", e.getMessage());
        assertFalse(Files.exists(target()), "the files unpacked before the damaged one are removed too");
    }

    @Test
    void moreEntriesThanTheLimitAreRefusedBeforeAnyIsRead() throws IOException {
        ZipBytes zip = plain();
        for (int i = 0; i < 5; i++) {
            zip.add("classpath/0/C" + i + ".class", "c");
        }
        assertRefused("The bundle is refused: it has 9 entries, more than the limit of 8. Make the worker smaller:"
                + " jworkers deploy packs every folder and jar its classpath lists, so drop what the worker does not need.",
                zip, SMALL);
    }

    @Test
    void aZipWithoutWorkerJsonIsRefused() throws IOException {
        ZipBytes zip = plain();
        zip.entries().remove(3);
        assertRefused("The bundle is refused: it has no worker.json at its top. Rebuild it with jworkers deploy.", zip);
    }

    @Test
    void somethingThatIsNotAZipOrHasDataAfterItIsRefused() throws IOException {
        String notZip = "The bundle is refused: it does not end with a zip end record (it is not a zip file, or it is cut short,"
                + " or a comment or other data follows the zip). Rebuild it with jworkers deploy.";
        Path text = write("this is not a zip file at all".getBytes(StandardCharsets.UTF_8));
        assertEquals(notZip, assertThrows(BundleException.class,
                () -> BundleArchive.extract(text, target(), BundleLimits.DEFAULT)).getMessage());
        byte[] zip = plain().bytes();
        byte[] appended = Arrays.copyOf(zip, zip.length + 3);
        Path trailing = write(appended);
        assertEquals(notZip, assertThrows(BundleException.class,
                () -> BundleArchive.extract(trailing, target(), BundleLimits.DEFAULT)).getMessage());
        Path cut = write(Arrays.copyOf(zip, zip.length - 1));
        assertEquals(notZip, assertThrows(BundleException.class,
                () -> BundleArchive.extract(cut, target(), BundleLimits.DEFAULT)).getMessage());
        assertEquals("The bundle is refused: it is not a zip file (0 bytes). Rebuild it with jworkers deploy.",
                assertThrows(BundleException.class, () -> BundleArchive.extract(write(new byte[0]), target(),
                        BundleLimits.DEFAULT)).getMessage());
        assertFalse(Files.exists(target()));
    }

    @Test
    void theSameWorkerPacksToTheSameBytesWhateverItsFileTimes() throws IOException {
        Path classes = Files.createDirectories(tmp.resolve("worker/classes/io/x"));
        Files.writeString(classes.resolve("A.class"), "A");
        Files.writeString(classes.resolve("B.class"), "B");
        Path config = Files.writeString(tmp.resolve("worker/worker.jsonc"), "{ \"name\": \"x\", \"classpath\": [\"classes\"] }");
        var loaded = io.jworkers.runtime.config.ConfigLoader.load(config, null);

        byte[] first = Files.readAllBytes(WorkerBundle.write(loaded, tmp.resolve("first.zip")));
        Files.setLastModifiedTime(classes.resolve("A.class"), FileTime.fromMillis(0));
        Files.setLastModifiedTime(classes.resolve("B.class"), FileTime.fromMillis(System.currentTimeMillis() + 86_400_000L));
        byte[] second = Files.readAllBytes(WorkerBundle.write(loaded, tmp.resolve("second.zip")));
        assertTrue(Arrays.equals(first, second), "packing again after touching the classes gives the same bytes");

        Files.writeString(classes.resolve("B.class"), "b");
        byte[] changed = Files.readAllBytes(WorkerBundle.write(loaded, tmp.resolve("changed.zip")));
        assertFalse(Arrays.equals(first, changed));
        assertNotEquals(BundleArchive.extract(tmp.resolve("first.zip"), tmp.resolve("u1"), BundleLimits.DEFAULT).sha256(),
                BundleArchive.extract(tmp.resolve("changed.zip"), tmp.resolve("u2"), BundleLimits.DEFAULT).sha256());

        try (var zip = new java.util.zip.ZipFile(tmp.resolve("first.zip").toFile())) {
            assertEquals(List.of("classpath/0/", "classpath/0/io/x/A.class", "classpath/0/io/x/B.class", "worker.json"),
                    Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList(), "sorted entries");
            assertEquals(List.of(LocalDateTime.of(1980, 2, 1, 0, 0)), Collections.list(zip.entries()).stream()
                    .map(ZipEntry::getTimeLocal).distinct().toList(), "one fixed time");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
