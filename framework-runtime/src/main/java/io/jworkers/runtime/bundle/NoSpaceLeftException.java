package io.jworkers.runtime.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The disk filled up while a bundle was received, unpacked or stored: the deploy is refused and
 * whatever it wrote is removed. Not the bundle's fault, so not a {@link BundleException}: the admin
 * API answers 507 and the message names the folder and says to free space.
 */
public final class NoSpaceLeftException extends UncheckedIOException {

    // How the JDK words ENOSPC and EDQUOT (the strerror text) on Linux and macOS, and ERROR_DISK_FULL on Windows.
    private static final List<String> DISK_FULL = List.of("no space left on device", "disk quota exceeded",
            "not enough space on the disk");

    /**
     * Creates the exception.
     *
     * @param doing what was being written, e.g. {@code receiving the bundle}
     * @param folder the folder written to
     * @param cause the failed write
     */
    public NoSpaceLeftException(String doing, Path folder, IOException cause) {
        super("No space left on device while " + doing + " in " + folder + "; nothing was deployed. Free space on that"
                + " file system (it holds the --state folder), then deploy again.", cause);
    }

    /**
     * Whether a failed write failed because the disk (or the user's quota) is full. The JDK has no
     * exception type for it, only the operating system's message.
     *
     * @param e the failure
     * @return whether it is ENOSPC, EDQUOT or Windows' disk full
     */
    public static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (DISK_FULL.stream().anyMatch(message::contains)) {
                return true;
            }
        }
        return false;
    }
}
