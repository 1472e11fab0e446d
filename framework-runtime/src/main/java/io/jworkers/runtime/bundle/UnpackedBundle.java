package io.jworkers.runtime.bundle;

import java.nio.file.Path;

/**
 * A bundle unpacked by {@link BundleArchive}: the folder holding its files, every one forced to disk.
 *
 * @param folder the folder the bundle was unpacked into; {@code worker.json} is at its top
 * @param configJson the text of {@code worker.json} as unpacked
 * @param sha256 the bundle's {@link BundleHash canonical hash}: the same files give the same hash
 * @param entries how many entries the zip listed
 * @param bytes how many bytes its files hold, counted while inflating
 */
public record UnpackedBundle(Path folder, String configJson, String sha256, int entries, long bytes) {
}
