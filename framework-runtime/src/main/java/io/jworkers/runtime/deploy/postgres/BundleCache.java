package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.bundle.BundleArchive;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.UnpackedBundle;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A host's copy of the store's bundles ({@code --cache DIR}): each unpacked under
 * {@code bundles/SHA256/}, fetched from the store the first time a version needs it and checked
 * against its hash, so a host loads workers from local files and a restart during a store outage
 * still finds them. Scratch files of uploads and downloads go to {@code scratch/}, emptied at start.
 */
final class BundleCache {

    private final Path bundles;
    private final Path scratch;
    private final BundleLimits limits;

    BundleCache(Path root, BundleLimits limits) {
        this.bundles = root.resolve("bundles");
        this.scratch = root.resolve("scratch");
        this.limits = limits;
        try {
            Files.createDirectories(bundles);
            DurableFiles.deleteTree(scratch);
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the bundle cache " + root + ": " + e.getMessage(), e);
        }
    }

    Path scratch() {
        return scratch;
    }

    /** The folder a bundle is (or will be) unpacked in. */
    Path folder(String sha256) {
        return bundles.resolve(sha256);
    }

    boolean has(String sha256) {
        return Files.isDirectory(folder(sha256));
    }

    /** Moves a bundle this host unpacked (an upload) into the cache, unless it is there already. */
    void adopt(UnpackedBundle staged) throws IOException {
        if (has(staged.sha256())) {
            DurableFiles.deleteTree(staged.folder());
            return;
        }
        moveIn(staged.folder(), staged.sha256());
    }

    /** What {@code fetch} needs from the store: the bundle's zip written to a file. */
    @FunctionalInterface
    interface Download {
        boolean to(Path zip) throws Exception;
    }

    /**
     * The cached folder of a bundle, unpacking it from the store first if needed.
     *
     * @param sha256 the hash
     * @param download writes the bundle's zip from the store; false when the store has no such bundle
     * @return the folder
     * @throws DamagedStateException if the store has no such bundle or it does not match its hash
     */
    Path fetch(String sha256, Download download) throws Exception {
        if (has(sha256)) {
            return folder(sha256);
        }
        Path zip = scratch.resolve("download-" + UUID.randomUUID() + ".zip");
        try {
            if (!download.to(zip)) {
                throw new DamagedStateException("The bundle " + sha256 + " is not in the store. Deploy the worker again.");
            }
            UnpackedBundle unpacked = BundleArchive.extract(zip, scratch.resolve("unpack-" + UUID.randomUUID()), limits);
            if (!unpacked.sha256().equals(sha256)) {
                DurableFiles.deleteTree(unpacked.folder());
                throw new DamagedStateException("The bundle " + sha256 + " in the store does not match its hash (its content"
                        + " hashes to " + unpacked.sha256() + "). Deploy the worker again.");
            }
            moveIn(unpacked.folder(), sha256);
            return folder(sha256);
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    /** Deletes the cached bundles not in {@code keep}. */
    void retainOnly(Set<String> keep) throws IOException {
        try (Stream<Path> cached = Files.list(bundles)) {
            for (Path folder : cached.toList()) {
                if (!keep.contains(folder.getFileName().toString())) {
                    Path trash = scratch.resolve("unused-" + UUID.randomUUID());
                    Files.move(folder, trash, StandardCopyOption.ATOMIC_MOVE);
                    DurableFiles.deleteTree(trash);
                }
            }
        }
    }

    private void moveIn(Path folder, String sha256) throws IOException {
        try {
            Files.move(folder, folder(sha256), StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
            DurableFiles.deleteTree(folder); // another thread fetched it meanwhile
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The cache " + bundles + " and its scratch folder must be on one file system", e);
        }
    }
}
