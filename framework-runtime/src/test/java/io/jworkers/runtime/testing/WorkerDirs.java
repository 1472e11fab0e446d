package io.jworkers.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes worker folders (a config, optionally a .dev.vars) for tests. */
public final class WorkerDirs {

    private WorkerDirs() {
    }

    /**
     * Writes {@code DIR/NAME/worker.jsonc}.
     *
     * @param root the parent folder
     * @param folder the worker's folder name
     * @param jsonc the config text
     * @return the config file
     */
    public static Path config(Path root, String folder, String jsonc) {
        return write(root.resolve(folder).resolve("worker.jsonc"), jsonc);
    }

    /**
     * Writes a file, creating its folder.
     *
     * @param file the file
     * @param text its content
     * @return the file
     */
    public static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A path as a JSON string literal, for configs.
     *
     * @param path the path
     * @return the quoted, escaped path
     */
    public static String json(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
