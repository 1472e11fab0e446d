package io.jworkers.runtime.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;

/**
 * Reads an uploaded bundle zip once and unpacks it, the way it will be loaded: what the deploy
 * checks, what the host loads before the commit, what the store keeps and what the hash covers are the files
 * written here, and nothing reads the zip again.
 *
 * <p>The zip's structure is checked first ({@link ZipDirectory}: headers that agree, no data outside
 * entries), then its paths ({@link BundlePaths}: plain, relative, unique), its entry count and
 * declared size against the {@link BundleLimits}; then every entry is inflated with its real bytes
 * counted (never more than it declares), its CRC checked, and written with {@code force}, and every
 * folder forced too, so the store can move the folder into place and rely on it after a crash.
 */
public final class BundleArchive {

    private static final int BUFFER = 1 << 16;

    private BundleArchive() {
    }

    /**
     * Unpacks a bundle zip into a new folder.
     *
     * @param zip the uploaded zip
     * @param target the folder to create and unpack into; its parent must exist, it must not
     * @param limits the entry count and unpacked size caps
     * @return the unpacked bundle
     * @throws BundleException if the bundle is refused; {@code target} is gone then
     * @throws NoSpaceLeftException if the disk filled up; {@code target} is gone then
     * @throws UncheckedIOException if reading or writing failed otherwise; {@code target} is gone then
     */
    public static UnpackedBundle extract(Path zip, Path target, BundleLimits limits) {
        try (FileChannel in = FileChannel.open(zip, StandardOpenOption.READ)) {
            BundlePaths paths = new BundlePaths();
            List<ZipDirectory.Entry> entries = ZipDirectory.read(zip, in, limits, paths);
            if (!paths.isFile(WorkerBundle.CONFIG)) {
                throw BundleException.unreadable("it has no " + WorkerBundle.CONFIG + " at its top");
            }
            Files.createDirectory(target);
            try {
                return unpack(in, entries, paths, target);
            } catch (IOException | RuntimeException | Error e) {
                deleteTree(target);
                throw e;
            }
        } catch (IOException e) {
            if (NoSpaceLeftException.isDiskFull(e)) {
                throw new NoSpaceLeftException("unpacking the bundle", target.getParent(), e);
            }
            throw new UncheckedIOException("Unpacking the bundle " + zip + " into " + target + " failed: " + e, e);
        }
    }

    private static UnpackedBundle unpack(FileChannel in, List<ZipDirectory.Entry> entries, BundlePaths paths, Path target)
            throws IOException {
        BundleHash hash = new BundleHash();
        long unpacked = 0;
        byte[] input = new byte[BUFFER];
        byte[] output = new byte[BUFFER];
        for (ZipDirectory.Entry entry : entries) {
            Path out = target.resolve(entry.path());
            if (entry.folder()) {
                Files.createDirectories(out);
                continue;
            }
            Files.createDirectories(out.getParent());
            MessageDigest content = BundleHash.sha256();
            unpacked += write(in, entry, out, content, input, output);
            hash.file(entry.path(), content.digest());
        }
        for (String folder : paths.folders()) {
            hash.folder(folder);
        }
        forceFolders(target);
        return new UnpackedBundle(target, config(target.resolve(WorkerBundle.CONFIG)), hash.hex(), entries.size(), unpacked);
    }

    // Inflates (or copies) one entry into a new file, counting and checking what it really holds.
    private static long write(FileChannel in, ZipDirectory.Entry entry, Path file, MessageDigest content, byte[] input,
                              byte[] output) throws IOException {
        CRC32 crc = new CRC32();
        long written = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Inflater inflater = entry.method() == ZipEntry.DEFLATED ? new Inflater(true) : null;
            try {
                long position = entry.dataOffset();
                long end = position + entry.compressedSize();
                while (true) {
                    int produced;
                    if (inflater == null) {
                        if (position == end) {
                            break;
                        }
                        produced = readFully(in, input, position, (int) Math.min(input.length, end - position));
                        position += produced;
                        System.arraycopy(input, 0, output, 0, produced);
                    } else {
                        if (inflater.finished()) {
                            break;
                        }
                        if (inflater.needsInput()) {
                            if (position == end) {
                                throw BundleException.entry(entry.name(), "has deflated data that ends early");
                            }
                            int n = readFully(in, input, position, (int) Math.min(input.length, end - position));
                            position += n;
                            inflater.setInput(input, 0, n);
                        }
                        produced = inflate(inflater, output, entry);
                    }
                    written += produced;
                    if (written > entry.size()) {
                        throw BundleException.entry(entry.name(), "inflates to more than the " + entry.size()
                                + " bytes it declares");
                    }
                    crc.update(output, 0, produced);
                    content.update(output, 0, produced);
                    ByteBuffer chunk = ByteBuffer.wrap(output, 0, produced);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                }
                if (inflater != null && (position != end || inflater.getRemaining() != 0)) {
                    throw BundleException.entry(entry.name(), "has data after the end of its deflated stream");
                }
            } finally {
                if (inflater != null) {
                    inflater.end();
                }
            }
            if (written != entry.size()) {
                throw BundleException.entry(entry.name(), "holds " + written + " bytes, not the " + entry.size()
                        + " it declares");
            }
            if (crc.getValue() != entry.crc()) {
                throw BundleException.entry(entry.name(), "has a CRC that does not match its content (the zip is damaged)");
            }
            out.force(true);
        }
        return written;
    }

    private static int inflate(Inflater inflater, byte[] output, ZipDirectory.Entry entry) {
        try {
            int produced = inflater.inflate(output);
            if (produced == 0 && inflater.needsDictionary()) {
                throw BundleException.entry(entry.name(), "has deflated data that needs a preset dictionary");
            }
            return produced;
        } catch (DataFormatException e) {
            throw BundleException.entry(entry.name(), "has damaged deflated data (" + e.getMessage() + ")");
        }
    }

    private static int readFully(FileChannel in, byte[] buffer, long position, int length) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
        while (target.hasRemaining()) {
            if (in.read(target, position + target.position()) < 0) {
                throw new IOException("the bundle zip changed while it was read");
            }
        }
        return length;
    }

    private static String config(Path file) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw BundleException.entry(WorkerBundle.CONFIG, "is not UTF-8 text");
        }
    }

    // A file's directory entry is durable only once its folder is forced; best effort where folders cannot be opened.
    private static void forceFolders(Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(target)) {
            for (Path folder : walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
                    channel.force(true);
                } catch (UnsupportedOperationException ignored) {
                    // e.g. Windows
                }
            }
        }
    }

    static void deleteTree(Path folder) {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // In the store's scratch folder, which opening the store empties.
        }
    }
}
