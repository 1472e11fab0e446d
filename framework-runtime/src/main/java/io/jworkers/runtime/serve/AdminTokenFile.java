package io.jworkers.runtime.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The admin token of {@code jworkers serve} kept in a file: the way to hand it over that workers
 * cannot read back (an environment variable is one {@code System.getenv()} away from every worker
 * in the process). A file that does not exist yet is created with a new random token, readable by
 * its owner only, so that a development setup (an IDE run configuration) needs no hand-made secret.
 */
public final class AdminTokenFile {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AdminTokenFile() {
    }

    /**
     * Reads the token from {@code file}, or creates the file with a new token when it is missing.
     *
     * @param file the token file
     * @param info told that a new token was written, and where
     * @param warning told that the file can be read by other users
     * @return the token
     * @throws UncheckedIOException if the file cannot be read or created
     */
    public static String readOrCreate(Path file, Consumer<String> info, Consumer<String> warning) {
        try {
            if (!Files.exists(file) && create(file, HexFormat.of().formatHex(random()))) {
                info.accept("wrote a new admin token to " + file.toAbsolutePath() + " (readable by you only); admin commands"
                        + " use it with --token-file " + file);
            }
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
                warning.accept("the admin token file " + file + " can be read by other users ("
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "); chmod 600 " + file);
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    // Whether this call made the file (false: another process made it first, and its token counts).
    // The token is written and forced under a temp name, then linked to the final name, which fails
    // if that exists: no process ever reads a half-written token file.
    private static boolean create(Path file, String token) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = folder.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            if (Files.getFileAttributeView(folder, PosixFileAttributeView.class) != null) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(temp);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                return false;
            } catch (UnsupportedOperationException noLinks) {
                Files.move(temp, file); // no hard links here: a move that refuses an existing target
            }
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
