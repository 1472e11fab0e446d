package io.jworkers.runtime.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that makes a state folder one host's: an OS lock on {@code serve.lock} in it, held
 * while the store is open, with the holder's process id written inside for the next one to name.
 * Two hosts on one folder would each serve what they loaded while both reported the same state;
 * several hosts share a PostgreSQL store instead. The OS releases the lock when the process dies,
 * so a crash never leaves the folder locked.
 */
final class FolderLock implements AutoCloseable {

    static final String FILE = "serve.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of a folder.
     *
     * @param root the state folder
     * @return the lock, to close when the store closes
     * @throws FolderInUseException if another process (or another store of this one) holds it
     * @throws IOException if the lock file cannot be opened
     */
    static FolderLock take(Path root) throws IOException {
        Path file = root.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new FolderInUseException(root, holder, "The state folder " + root + " is in use by another jworkers serve"
                    + (holder.isEmpty() ? "" : " (process " + holder + ")") + ": one host per state folder. Stop that host"
                    + " first, or run several hosts on one PostgreSQL store (--store postgresql://USER@HOST:PORT/DB).");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new FolderLock(channel, lock);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // Closing the channel releases the lock whatever happened; the process's exit does too.
        }
    }
}
