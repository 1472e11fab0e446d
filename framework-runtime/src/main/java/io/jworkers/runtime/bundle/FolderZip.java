package io.jworkers.runtime.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs an unpacked bundle folder back into a zip, streaming, for stores that keep bundles as
 * blobs: entries sorted by name with the fixed time of {@link WorkerBundle}, so one content gives
 * one zip whatever host packs it.
 */
public final class FolderZip {

    private FolderZip() {
    }

    /**
     * Writes the zip.
     *
     * @param folder the bundle's folder
     * @param zip the file to write (replaced)
     * @throws IOException if a file cannot be read or the zip written
     */
    public static void write(Path folder, Path zip) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(folder)) {
            paths = walk.filter(path -> !path.equals(folder)).sorted().toList();
        }
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Path path : paths) {
                String name = folder.relativize(path).toString().replace('\\', '/');
                boolean directory = Files.isDirectory(path);
                ZipEntry entry = new ZipEntry(directory ? name + "/" : name);
                entry.setTimeLocal(WorkerBundle.ENTRY_TIME);
                out.putNextEntry(entry);
                if (!directory) {
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
    }
}
