package io.jworkers.runtime.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The canonical hash of a bundle: SHA-256 over what it holds, not over the zip's bytes, so the
 * same classes and config give the same hash whatever the zip's entry times, order or compression.
 *
 * <p>Over the bundle's paths in {@link String#compareTo} order (relative, {@code /}-separated),
 * after the line {@code jworkers-bundle-v1\n}: for a folder the byte {@code D}, the path's UTF-8
 * length as a 4-byte big-endian number and the path; for a file the byte {@code F}, the path the
 * same way and the 32-byte SHA-256 of its content. Every field has a fixed size or a length before
 * it, so no two different bundles frame to the same bytes.
 */
public final class BundleHash {

    private static final byte[] HEADER = "jworkers-bundle-v1\n".getBytes(StandardCharsets.UTF_8);

    private final Map<String, byte[]> nodes = new TreeMap<>();

    /** An empty bundle's hash, to add paths to. */
    BundleHash() {
    }

    /**
     * The hash of an unpacked bundle's folder, as {@link BundleArchive} computed it while unpacking.
     *
     * @param folder the bundle's folder
     * @return the hex SHA-256
     */
    public static String of(Path folder) {
        BundleHash hash = new BundleHash();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.filter(p -> !p.equals(folder)).toList()) {
                String name = folder.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    hash.folder(name);
                } else {
                    MessageDigest content = sha256();
                    try (InputStream in = new DigestInputStream(Files.newInputStream(path), content)) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                    hash.file(name, content.digest());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Hashing the bundle in " + folder + " failed: " + e.getMessage(), e);
        }
        return hash.hex();
    }

    /** Adds a folder. */
    void folder(String path) {
        nodes.put(path, null);
    }

    /** Adds a file with the SHA-256 of its content. */
    void file(String path, byte[] contentSha256) {
        nodes.put(path, contentSha256.clone());
    }

    /** The hash of what was added, hex. */
    String hex() {
        MessageDigest sha = sha256();
        sha.update(HEADER);
        nodes.forEach((path, content) -> {
            byte[] name = path.getBytes(StandardCharsets.UTF_8);
            sha.update(content == null ? (byte) 'D' : (byte) 'F');
            sha.update(ByteBuffer.allocate(4).putInt(name.length).array());
            sha.update(name);
            if (content != null) {
                sha.update(content);
            }
        });
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
