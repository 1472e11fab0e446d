package io.jworkers.runtime.http;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How many connections a listener keeps open at once, by default. Every connection holds a file
 * descriptor, and so does everything else in the process (jars, worker files, the other listener):
 * a listener that took them all would leave the host unable to open anything, so each listener
 * stops accepting well before the process's open-file limit ({@code ulimit -n}). Connections past
 * the bound are not refused: they wait in the kernel's accept queue until an open connection
 * closes (as HAProxy's {@code maxconn}), so a burst is served late rather than failed.
 *
 * <p>The defaults: the public listener half the open-file limit, at most 10,000 (with
 * {@code ulimit -n} 1024, a common default, 512; with 65,536, 10,000); the admin listener an
 * eighth of it, at most 100 (its clients are the CLI and deploy scripts). Half, because the
 * public connections are the only use that grows with traffic; the other half is the margin for
 * everything else. Where the JDK cannot tell the limit (not a Unix), the caps apply.
 */
public final class ConnectionLimits {

    /** The most connections the public listener keeps open by default, whatever the open-file limit. */
    public static final int PUBLIC_CAP = 10_000;

    /** The most connections the admin listener keeps open by default, whatever the open-file limit. */
    public static final int ADMIN_CAP = 100;

    private ConnectionLimits() {
    }

    /**
     * The public listener's default bound: half the open-file limit, at most {@link #PUBLIC_CAP}.
     *
     * @return the bound, at least 1
     */
    public static int publicDefault() {
        return share(PUBLIC_CAP, 2);
    }

    /**
     * The admin listener's bound: an eighth of the open-file limit, at most {@link #ADMIN_CAP}.
     *
     * @return the bound, at least 1
     */
    public static int adminDefault() {
        return share(ADMIN_CAP, 8);
    }

    /**
     * The process's open-file limit (the soft {@code RLIMIT_NOFILE}), if it can be told: on Linux
     * from {@code /proc/self/limits} (a small read), elsewhere from the JDK's operating-system
     * bean (whose first use costs some 100 ms of start-up, which Linux is spared). Read once.
     *
     * @return the limit
     */
    public static OptionalLong fileDescriptorLimit() {
        return FileLimit.VALUE;
    }

    private static final class FileLimit {
        static final OptionalLong VALUE = read();

        private static OptionalLong read() {
            Path limits = Path.of("/proc/self/limits");
            if (Files.isReadable(limits)) {
                try {
                    for (String line : Files.readAllLines(limits)) {
                        // "Max open files            1024                 524288               files"
                        if (line.startsWith("Max open files")) {
                            String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                            return soft.equals("unlimited") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(soft));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // Told by the bean below.
                }
            }
            OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
            if (system instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
                return OptionalLong.of(unix.getMaxFileDescriptorCount());
            }
            return OptionalLong.empty();
        }
    }

    private static int share(int cap, int divisor) {
        OptionalLong limit = fileDescriptorLimit();
        return limit.isEmpty() ? cap : (int) Math.clamp(limit.getAsLong() / divisor, 1, cap);
    }
}
