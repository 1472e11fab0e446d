package io.jworkers.runtime.bundle;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The entries of a bundle zip as its central directory lists them, each checked against its local
 * header, so that every zip reader sees the same files: a reader that walks local headers (as
 * {@code ZipInputStream} and {@code unzip} do) and one that follows the central directory (as
 * {@code ZipFile} does) cannot be shown different content.
 *
 * <p>Strict on purpose, since bundles come from {@code jworkers deploy}: the entries must tile the
 * file from its first byte to the central directory, which must end at the end record, which must
 * end the file (no data before, between or after the entries, no zip comment); each local header
 * must agree with its central directory entry (name, flags, method, CRC and sizes, in the data
 * descriptor when there is one); and {@code java.util.zip} must read the same list. Zip64, split
 * archives, encryption and compression other than stored or deflated are refused: a bundle within
 * the {@link BundleLimits} never needs them.
 */
final class ZipDirectory {

    /**
     * An entry whose headers agree.
     *
     * @param name the name as the zip spells it
     * @param path the path it unpacks to (see {@link BundlePaths#add})
     * @param folder whether it is a folder
     * @param method {@link ZipEntry#STORED} or {@link ZipEntry#DEFLATED}
     * @param crc the CRC-32 of its content
     * @param compressedSize the bytes of its data in the zip
     * @param size the bytes of its content, as declared (never trusted: the reader counts)
     * @param dataOffset where its data starts in the zip
     */
    record Entry(String name, String path, boolean folder, int method, long crc, long compressedSize, long size,
                 long dataOffset) {
    }

    // One central directory entry, before its local header is checked.
    private record Listed(String name, byte[] nameBytes, int flags, int method, long crc, long compressedSize, long size,
                          long localOffset) {
    }

    private static final int LOC_SIG = 0x04034b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int END_SIG = 0x06054b50;
    private static final int DATA_DESCRIPTOR_SIG = 0x08074b50;
    private static final int LOC_LEN = 30;
    private static final int CEN_LEN = 46;
    private static final int END_LEN = 22;
    private static final int FLAG_ENCRYPTED = 0x0001 | 0x0040 | 0x2000;
    private static final int FLAG_DATA_DESCRIPTOR = 0x0008;
    private static final int ZIP64_EXTRA = 0x0001;
    private static final long ZIP64_MARKER = 0xFFFFFFFFL;
    private static final int HOST_UNIX = 3;
    private static final int HOST_OSX = 19;
    private static final int DOS_FOLDER = 0x10;
    private static final String ZIP64 = "uses Zip64 extensions, which a bundle within the limits never needs";

    private ZipDirectory() {
    }

    /**
     * Reads and checks a zip's entries.
     *
     * @param zip the zip's path, for {@code java.util.zip}'s reading
     * @param file the zip, open for reading
     * @param limits the entry count and unpacked size caps (declared sizes are checked here, real ones by the reader)
     * @param paths where the entries' paths go; refuses unsafe or duplicate ones
     * @return the entries, in the order of the file
     * @throws BundleException if the zip is refused
     * @throws IOException if it cannot be read
     */
    static List<Entry> read(Path zip, FileChannel file, BundleLimits limits, BundlePaths paths) throws IOException {
        long size = file.size();
        if (size < END_LEN) {
            throw BundleException.unreadable("it is not a zip file (" + size + " bytes)");
        }
        ByteBuffer end = read(file, size - END_LEN, END_LEN);
        if (end.getInt(0) != END_SIG || u16(end, 20) != 0) {
            throw BundleException.unreadable("it does not end with a zip end record (it is not a zip file, or it is cut"
                    + " short, or a comment or other data follows the zip)");
        }
        int total = u16(end, 10);
        long directorySize = u32(end, 12);
        long directoryOffset = u32(end, 16);
        if (total > limits.maxEntries()) {
            throw BundleException.tooLarge("it has " + (total == 0xFFFF ? "65,535 or more" : String.format("%,d", total))
                    + " entries, more than the limit of " + String.format("%,d", limits.maxEntries()));
        }
        if (u16(end, 4) != 0 || u16(end, 6) != 0 || u16(end, 8) != total) {
            throw BundleException.unreadable("it is split over several files (a multi-disk zip)");
        }
        if (directorySize == ZIP64_MARKER || directoryOffset == ZIP64_MARKER) {
            throw BundleException.unreadable("it " + ZIP64);
        }
        if (directoryOffset + directorySize != size - END_LEN) {
            throw BundleException.unreadable("its central directory does not end where its end record starts"
                    + " (it is damaged, or has data between them)");
        }
        List<Listed> listed = list(file, directoryOffset, directorySize, total, limits, paths);
        List<Entry> entries = checkLocalHeaders(file, listed, directoryOffset);
        agreeWithJavaUtilZip(zip, entries);
        return entries;
    }

    private static List<Listed> list(FileChannel file, long offset, long length, int total, BundleLimits limits,
                                     BundlePaths paths) throws IOException {
        List<Listed> listed = new ArrayList<>(total);
        long declared = 0;
        long read = 0;
        InputStream in = new BufferedInputStream(Channels.newInputStream(file.position(offset)), 1 << 16);
        for (int i = 0; i < total; i++) {
            if (read == length) {
                throw BundleException.unreadable("its end record counts " + total + " entries, but its central directory"
                        + " lists " + i);
            }
            ByteBuffer header = bytes(in, CEN_LEN, length - read);
            read += CEN_LEN;
            if (header.getInt(0) != CEN_SIG) {
                throw BundleException.unreadable("its central directory is damaged (entry " + (i + 1) + " of " + total
                        + " has no header)");
            }
            byte[] nameBytes = bytes(in, u16(header, 28), length - read).array();
            read += nameBytes.length;
            byte[] extra = bytes(in, u16(header, 30), length - read).array();
            read += extra.length;
            read += bytes(in, u16(header, 32), length - read).capacity();
            String name = utf8(nameBytes, i, total);
            Listed entry = new Listed(name, nameBytes, u16(header, 8), u16(header, 10), u32(header, 16), u32(header, 20),
                    u32(header, 24), u32(header, 42));
            checkListed(entry, header, extra);
            String path = paths.add(name);
            if (name.endsWith("/") && entry.size() != 0) {
                throw BundleException.entry(name, "is a folder but holds " + entry.size() + " bytes");
            }
            declared += entry.size();
            if (declared > limits.maxUnpackedBytes()) {
                throw BundleException.tooLarge("it unpacks to more than the limit of "
                        + BundleLimits.describe(limits.maxUnpackedBytes()) + " (the entries up to " + BundleException.quote(path)
                        + " declare " + String.format("%,d", declared) + " bytes)");
            }
            listed.add(entry);
        }
        if (read != length) {
            throw BundleException.unreadable("its central directory has " + (length - read)
                    + " bytes that belong to no entry");
        }
        return listed;
    }

    private static void checkListed(Listed entry, ByteBuffer header, byte[] extra) {
        String name = entry.name();
        if (u16(header, 34) != 0) {
            throw BundleException.unreadable("it is split over several files (a multi-disk zip)");
        }
        if (entry.compressedSize() == ZIP64_MARKER || entry.size() == ZIP64_MARKER || entry.localOffset() == ZIP64_MARKER
                || hasZip64Extra(extra)) {
            throw BundleException.entry(name, ZIP64);
        }
        if ((entry.flags() & FLAG_ENCRYPTED) != 0) {
            throw BundleException.entry(name, "is encrypted");
        }
        if (entry.method() != ZipEntry.STORED && entry.method() != ZipEntry.DEFLATED) {
            throw BundleException.entry(name, "is compressed with method " + entry.method()
                    + "; a bundle holds only stored (0) and deflated (8) entries");
        }
        if (entry.method() == ZipEntry.STORED && (entry.flags() & FLAG_DATA_DESCRIPTOR) != 0) {
            throw BundleException.entry(name, "is stored with a data descriptor, whose end zip readers find differently");
        }
        if (entry.method() == ZipEntry.STORED && entry.compressedSize() != entry.size()) {
            throw BundleException.entry(name, "is stored, but its stored and unpacked sizes differ");
        }
        checkType(name, u16(header, 4) >>> 8, u32(header, 38));
    }

    // The file type in the external attributes: Unix mode bits (from Unix and macOS zips) and the DOS folder bit.
    private static void checkType(String name, int host, long attributes) {
        boolean folder = name.endsWith("/");
        if (host == HOST_UNIX || host == HOST_OSX) {
            int type = (int) (attributes >>> 16) & 0xF000;
            String special = switch (type) {
                case 0, 0x8000, 0x4000 -> null;
                case 0xA000 -> "a symbolic link";
                case 0x2000 -> "a character device";
                case 0x6000 -> "a block device";
                case 0x1000 -> "a named pipe (FIFO)";
                case 0xC000 -> "a socket";
                default -> "a special file (mode " + Integer.toOctalString((int) (attributes >>> 16)) + ")";
            };
            if (special != null) {
                throw BundleException.entry(name, "is " + special + "; a bundle holds only plain files and folders");
            }
            if (type == 0x8000 && folder) {
                throw BundleException.entry(name, "is marked as a file but its name ends with /");
            }
            if (type == 0x4000 && !folder) {
                throw BundleException.entry(name, "is marked as a folder but its name does not end with /");
            }
        }
        if ((attributes & DOS_FOLDER) != 0 && !folder) {
            throw BundleException.entry(name, "is marked as a folder but its name does not end with /");
        }
    }

    private static List<Entry> checkLocalHeaders(FileChannel file, List<Listed> listed, long directoryOffset)
            throws IOException {
        List<Entry> entries = new ArrayList<>(listed.size());
        long expected = 0;
        for (Listed entry : listed) {
            String name = entry.name();
            long offset = entry.localOffset();
            if (offset > expected) {
                throw BundleException.unreadable("bytes " + expected + " to " + (offset - 1) + " belong to no entry (they"
                        + " come before entry " + BundleException.quote(name) + ")");
            }
            if (offset < expected) {
                throw BundleException.entry(name, "overlaps the entry before it");
            }
            if (offset + LOC_LEN > directoryOffset) {
                throw BundleException.entry(name, "has no local header where the central directory says (byte " + offset + ")");
            }
            ByteBuffer local = read(file, offset, LOC_LEN);
            if (local.getInt(0) != LOC_SIG) {
                throw BundleException.entry(name, "has no local header where the central directory says (byte " + offset + ")");
            }
            int nameLength = u16(local, 26);
            int extraLength = u16(local, 28);
            long dataOffset = offset + LOC_LEN + nameLength + extraLength;
            if (dataOffset > directoryOffset) {
                throw BundleException.entry(name, "has a local header that runs into the central directory");
            }
            byte[] localName = read(file, offset + LOC_LEN, nameLength).array();
            if (!Arrays.equals(localName, entry.nameBytes())) {
                throw BundleException.entry(name, "has a local header that names it "
                        + BundleException.quote(new String(localName, StandardCharsets.UTF_8))
                        + ", so zip readers would disagree on what the bundle holds");
            }
            if (hasZip64Extra(read(file, offset + LOC_LEN + nameLength, extraLength).array())) {
                throw BundleException.entry(name, ZIP64);
            }
            agree(name, "flags", u16(local, 6), entry.flags());
            agree(name, "compression method", u16(local, 8), entry.method());
            boolean descriptor = (entry.flags() & FLAG_DATA_DESCRIPTOR) != 0;
            agreeUnlessZero(name, "CRC", u32(local, 14), entry.crc(), descriptor);
            agreeUnlessZero(name, "compressed size", u32(local, 18), entry.compressedSize(), descriptor);
            agreeUnlessZero(name, "size", u32(local, 22), entry.size(), descriptor);
            long dataEnd = dataOffset + entry.compressedSize();
            if (dataEnd > directoryOffset) {
                throw BundleException.entry(name, "has data that runs into the central directory");
            }
            expected = descriptor ? dataEnd + checkDataDescriptor(file, entry, dataEnd, directoryOffset) : dataEnd;
            entries.add(new Entry(name, name.endsWith("/") ? name.substring(0, name.length() - 1) : name,
                    name.endsWith("/"), entry.method(), entry.crc(), entry.compressedSize(), entry.size(), dataOffset));
        }
        if (expected != directoryOffset) {
            throw BundleException.unreadable("bytes " + expected + " to " + (directoryOffset - 1) + " belong to no entry"
                    + " (they come after the last entry)");
        }
        return entries;
    }

    // A data descriptor, with or without its optional signature, as ZipInputStream reads it; returns its length.
    private static int checkDataDescriptor(FileChannel file, Listed entry, long at, long directoryOffset) throws IOException {
        if (at + 12 > directoryOffset) {
            throw BundleException.entry(entry.name(), "has no data descriptor after its data");
        }
        boolean signed = read(file, at, 4).getInt(0) == DATA_DESCRIPTOR_SIG;
        int length = signed ? 16 : 12;
        if (at + length > directoryOffset) {
            throw BundleException.entry(entry.name(), "has no data descriptor after its data");
        }
        ByteBuffer descriptor = read(file, at + (signed ? 4 : 0), 12);
        String where = "data descriptor";
        agreeIn(entry.name(), where, "CRC", u32(descriptor, 0), entry.crc());
        agreeIn(entry.name(), where, "compressed size", u32(descriptor, 4), entry.compressedSize());
        agreeIn(entry.name(), where, "size", u32(descriptor, 8), entry.size());
        return length;
    }

    private static void agree(String name, String field, long local, long central) {
        agreeIn(name, "local header", field, local, central);
    }

    private static void agreeUnlessZero(String name, String field, long local, long central, boolean descriptor) {
        if (!(descriptor && local == 0)) {
            agree(name, field, local, central);
        }
    }

    private static void agreeIn(String name, String where, String field, long local, long central) {
        if (local != central) {
            throw BundleException.entry(name, "has a " + where + " that disagrees with the central directory on its " + field
                    + " (" + local + " against " + central + "), so zip readers would disagree on what the bundle holds");
        }
    }

    // java.util.zip finds the central directory its own way: it must find the same one.
    private static void agreeWithJavaUtilZip(Path zip, List<Entry> entries) throws IOException {
        try (ZipFile jdk = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> listed = jdk.entries();
            for (Entry entry : entries) {
                ZipEntry other = listed.hasMoreElements() ? listed.nextElement() : null;
                if (other == null || !other.getName().equals(entry.name()) || other.getMethod() != entry.method()
                        || other.getCrc() != entry.crc() || other.getSize() != entry.size()
                        || other.getCompressedSize() != entry.compressedSize()) {
                    throw BundleException.entry(entry.name(), "is read differently by java.util.zip");
                }
            }
            if (listed.hasMoreElements()) {
                throw BundleException.unreadable("java.util.zip reads more entries from it than its central directory lists");
            }
        } catch (ZipException e) {
            throw BundleException.unreadable("java.util.zip cannot read it (" + e.getMessage() + ")");
        }
    }

    private static boolean hasZip64Extra(byte[] extra) {
        ByteBuffer fields = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 4 <= extra.length; at += 4 + u16(fields, at + 2)) {
            if (u16(fields, at) == ZIP64_EXTRA) {
                return true;
            }
        }
        return false;
    }

    private static String utf8(byte[] name, int index, int total) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            throw BundleException.unreadable("entry " + (index + 1) + " of " + total + " has a name that is not UTF-8");
        }
    }

    // Reads exactly n bytes of the central directory, which has `left` bytes left.
    private static ByteBuffer bytes(InputStream in, int n, long left) throws IOException {
        if (n > left) {
            throw BundleException.unreadable("its central directory is damaged (an entry runs past its end)");
        }
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw BundleException.unreadable("it is cut short in its central directory");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer read(FileChannel file, long at, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (file.read(buffer, at + buffer.position()) < 0) {
                throw BundleException.unreadable("it is cut short (at byte " + (at + buffer.position()) + ")");
            }
        }
        return buffer.flip();
    }

    private static int u16(ByteBuffer buffer, int at) {
        return Short.toUnsignedInt(buffer.getShort(at));
    }

    private static long u32(ByteBuffer buffer, int at) {
        return Integer.toUnsignedLong(buffer.getInt(at));
    }
}
