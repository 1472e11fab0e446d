package io.jworkers.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Writes zip files byte by byte, so that tests can build the zips {@code java.util.zip} would
 * never write: local headers that disagree with the central directory, entries only one of them
 * lists, duplicate names, symbolic links, lying sizes. Without tweaks it writes a plain valid zip
 * (local header, data, no data descriptor; central directory; end record).
 */
public final class ZipBytes {

    /** One entry; its public fields are the tweaks. */
    public static final class Entry {
        /** The name in the central directory. */
        public String name;
        /** The name in the local header; {@code null} for the same as {@link #name}. */
        public String localName;
        /** The content (before compression). */
        public byte[] content;
        /** Deflated (8) or stored (0); another method number is written as is, with deflated data. */
        public int method = ZipEntry.DEFLATED;
        /** The general purpose flags of both headers (bit 11: UTF-8 names). */
        public int flags = 0x0800;
        /** The CRC written in the local header; {@code null} for the real one. */
        public Long localCrc;
        /** The unpacked size written in both headers; {@code null} for the real one. */
        public Long declaredSize;
        /** The "version made by" field: host (high byte) and zip version. */
        public int madeBy = 20;
        /** The external attributes (for Unix hosts, the mode in the high 16 bits). */
        public long externalAttributes;
        /** Whether the central directory lists it (a local-only entry hides in the file). */
        public boolean listed = true;

        Entry(String name, byte[] content) {
            this.name = name;
            this.content = content;
        }

        /**
         * Marks it as made on Unix with a mode, e.g. {@code 0120777} for a symbolic link.
         *
         * @param mode the st_mode bits
         * @return this entry
         */
        public Entry unixMode(int mode) {
            madeBy = (3 << 8) | 20;
            externalAttributes = (long) mode << 16;
            return this;
        }

        /**
         * Stores it uncompressed.
         *
         * @return this entry
         */
        public Entry stored() {
            method = ZipEntry.STORED;
            return this;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private Integer declaredCount;

    /**
     * Adds an entry.
     *
     * @param name its name
     * @param content its content
     * @return the entry, to tweak
     */
    public Entry add(String name, byte[] content) {
        Entry entry = new Entry(name, content);
        entries.add(entry);
        return entry;
    }

    /**
     * Adds a text entry.
     *
     * @param name its name
     * @param text its content, UTF-8
     * @return the entry, to tweak
     */
    public Entry add(String name, String text) {
        return add(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a folder entry (its name ends with {@code /}).
     *
     * @param name its name
     * @return the entry, to tweak
     */
    public Entry folder(String name) {
        return add(name, new byte[0]).stored();
    }

    /**
     * Writes another entry count in the end record than the entries listed.
     *
     * @param count the count
     * @return this
     */
    public ZipBytes declaredCount(int count) {
        this.declaredCount = count;
        return this;
    }

    /**
     * The entries so far, to tweak or reorder.
     *
     * @return the live list
     */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Copies every entry of a real zip, in its order.
     *
     * @param zip the zip
     * @return a builder holding its entries
     */
    public static ZipBytes of(Path zip) {
        ZipBytes out = new ZipBytes();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : Collections.list(file.entries())) {
                out.add(entry.getName(), file.getInputStream(entry).readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The zip.
     *
     * @return its bytes
     */
    public byte[] bytes() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ByteArrayOutputStream directory = new ByteArrayOutputStream();
        int listed = 0;
        for (Entry entry : entries) {
            CRC32 crc = new CRC32();
            crc.update(entry.content);
            byte[] data = entry.method == ZipEntry.STORED ? entry.content : deflate(entry.content);
            long size = entry.declaredSize != null ? entry.declaredSize : entry.content.length;
            byte[] name = entry.name.getBytes(StandardCharsets.UTF_8);
            byte[] localName = (entry.localName != null ? entry.localName : entry.name).getBytes(StandardCharsets.UTF_8);
            int offset = file.size();
            ByteBuffer local = le(30 + localName.length);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) entry.flags).putShort((short) entry.method)
                    .putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) (entry.localCrc != null ? entry.localCrc : crc.getValue()))
                    .putInt(data.length).putInt((int) size).putShort((short) localName.length).putShort((short) 0)
                    .put(localName);
            file.writeBytes(local.array());
            file.writeBytes(data);
            if (!entry.listed) {
                continue;
            }
            listed++;
            ByteBuffer central = le(46 + name.length);
            central.putInt(0x02014b50).putShort((short) entry.madeBy).putShort((short) 20).putShort((short) entry.flags)
                    .putShort((short) entry.method).putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(data.length).putInt((int) size).putShort((short) name.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt((int) entry.externalAttributes)
                    .putInt(offset).put(name);
            directory.writeBytes(central.array());
        }
        int directoryOffset = file.size();
        file.writeBytes(directory.toByteArray());
        int count = declaredCount != null ? declaredCount : listed;
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count).putShort((short) count)
                .putInt(directory.size()).putInt(directoryOffset).putShort((short) 0);
        file.writeBytes(end.array());
        return file.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] deflate(byte[] content) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(content);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }
}
