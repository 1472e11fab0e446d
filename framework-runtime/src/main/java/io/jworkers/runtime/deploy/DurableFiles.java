package io.jworkers.runtime.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * File operations that survive a crash at any instant: a file is complete on disk before it gets
 * its final name, and a replacement is one atomic rename followed by a sync of the folder. What a
 * crash can leave is a temp file ({@code .*.tmp}), which {@link #isTemp} recognises so that
 * recovery deletes it.
 */
public final class DurableFiles {

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final boolean posix;

    /**
     * Durable writes under a folder.
     *
     * @param root the folder, to learn whether its file system has POSIX permissions
     */
    public DurableFiles(Path root) {
        this.posix = Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
    }

    /** Whether a file name is a temp file that a crash left behind. */
    static boolean isTemp(String name) {
        return name.startsWith(".") && name.endsWith(".tmp");
    }

    /**
     * Replaces (or creates) {@code file} with {@code bytes}, atomically.
     *
     * @param file the file
     * @param bytes its new content
     * @param ownerOnly whether the file must be readable by its owner only from its first byte on
     * @throws IOException if it cannot be written; the old file is then unchanged
     */
    public void replace(Path file, byte[] bytes, boolean ownerOnly) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            if (posix && ownerOnly) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            } else {
                Files.createFile(temp);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        forceDir(file.getParent());
    }

    /** The file's bytes, or empty if it does not exist. */
    static Optional<byte[]> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Creates the folder and its parents; an owner-only folder is made rwx------ even if it existed. */
    void createDirs(Path dir, boolean ownerOnly) throws IOException {
        if (!ownerOnly) {
            Files.createDirectories(dir);
            return;
        }
        if (dir.getParent() != null && !Files.isDirectory(dir.getParent())) {
            Files.createDirectories(dir.getParent());
        }
        if (!Files.isDirectory(dir)) {
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException ignored) {
                // Made meanwhile; the permissions are set below either way.
            }
        }
        if (posix) {
            Files.setPosixFilePermissions(dir, OWNER_DIR); // umask-proof, and repairs an old folder
        }
    }

    /** Moves a file or folder to its final name atomically, then syncs the folder it is in. */
    static void moveAtomically(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        forceDir(to.getParent());
    }

    /** Best effort: makes a rename durable on Linux; not supported everywhere. */
    static void forceDir(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // e.g. Windows: folders cannot be opened
        }
    }

    /** The names in a folder, sorted; none if it does not exist. */
    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        }
        Collections.sort(names);
        return names;
    }

    /**
     * Deletes a file or a folder with everything in it; symbolic links are deleted, never followed.
     *
     * @param path the file or folder; nothing happens when it does not exist
     * @throws IOException if something cannot be deleted
     */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * {@link #deleteTree}, for clean-up after a failure: what is left goes at the next start.
     *
     * @param path the file or folder
     */
    public static void deleteQuietly(Path path) {
        try {
            deleteTree(path);
        } catch (IOException ignored) {
            // Best effort.
        }
    }
}
