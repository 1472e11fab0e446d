package io.jworkers.runtime.serve;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** The admin API's test hooks, for tests outside this package. */
public final class AdminHooks {

    private AdminHooks() {
    }

    /**
     * Writes the admin API's uploads to another file than its scratch file, e.g. {@code /dev/full}
     * for a real ENOSPC; {@code null} restores the scratch file.
     *
     * @param admin the admin API
     * @param file the file uploads go to, or {@code null}
     */
    public static void uploadTo(AdminServer admin, Path file) {
        admin.uploadFile = file == null ? UnaryOperator.identity() : scratch -> file;
    }
}
