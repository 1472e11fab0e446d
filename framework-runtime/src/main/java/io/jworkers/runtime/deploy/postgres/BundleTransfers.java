package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.bundle.FolderZip;
import io.jworkers.runtime.bundle.UnpackedBundle;
import io.jworkers.runtime.deploy.DeploymentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Bundles between a host and the store: an upload goes to the store ({@link BundleBlobs}) under
 * its hash and into the host's {@link BundleCache}; a version's bundle comes from the store into
 * the cache the first time the host needs it; a bundle no version names any more leaves both.
 */
final class BundleTransfers {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final Database database;
    private final BundleCache cache;

    BundleTransfers(Database database, BundleCache cache) {
        this.database = database;
        this.cache = cache;
    }

    /**
     * Stores an upload, unless the store has its hash already, and keeps a copy in the cache. The
     * bundle goes to the store in a transaction of its own before the version's: a long upload
     * holds no lock of the worker environment, and a refused version leaves a bundle that {@link
     * #collectUnused} deletes later.
     *
     * @throws DeploymentException if it cannot be stored
     */
    void storeUpload(UnpackedBundle staged) {
        Path zip = cache.scratch().resolve("upload-" + UUID.randomUUID() + ".zip");
        try {
            boolean stored = put(staged.sha256(), staged.folder(), zip);
            // The staged folder itself becomes the cached copy (the change discards what is left of it).
            cache.adopt(staged);
            LOG.log(Level.DEBUG, "bundle " + staged.sha256() + (stored ? " stored" : " was in the store already"));
        } catch (IOException | UncheckedIOException e) {
            IOException cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
            if (io.jworkers.runtime.bundle.NoSpaceLeftException.isDiskFull(cause)) {
                throw new io.jworkers.runtime.bundle.NoSpaceLeftException("packing the bundle for the store",
                        cache.scratch(), cause);
            }
            throw new DeploymentException("Storing the bundle " + staged.sha256() + " failed: " + cause.getMessage(), e);
        } finally {
            deleteQuietly(zip);
        }
    }

    /**
     * Stores a bundle folder copied in from elsewhere (an import), unless the store has its hash already.
     *
     * @throws DeploymentException if it cannot be read or stored
     */
    void storeImported(String sha256, Path folder) {
        Path zip = cache.scratch().resolve("import-" + UUID.randomUUID() + ".zip");
        try {
            put(sha256, folder, zip);
        } catch (UncheckedIOException e) {
            throw new DeploymentException("Storing the bundle " + sha256 + " from " + folder + " failed: "
                    + e.getCause().getMessage(), e);
        } finally {
            deleteQuietly(zip);
        }
    }

    /**
     * The cached folder of a stored bundle, fetched from the store first if the cache lacks it.
     *
     * @throws Exception whatever fetching it failed with
     */
    Path fetch(String sha256) throws Exception {
        return cache.fetch(sha256, zip -> database.run("fetching a bundle", connection -> {
            try {
                return BundleBlobs.copyTo(connection, sha256, zip);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    /**
     * Deletes the bundles no version names from the store (those stored more than an hour ago,
     * see {@link BundleBlobs#deleteUnused}) and from the cache; a failure is logged, not thrown.
     */
    void collectUnused() {
        try {
            database.run("deleting unused bundles", BundleBlobs::deleteUnused);
            Set<String> used = new HashSet<>(database.run("listing bundles", VersionRows::bundleHashes));
            cache.retainOnly(used);
        } catch (IOException | DeploymentException e) {
            LOG.log(Level.WARNING, "unused bundles were not deleted: " + e.getMessage());
        }
    }

    // Stores an unpacked bundle's folder as a zip under its hash, in a transaction of its own,
    // unless the store has that hash already. The zip is packed before the transaction: the
    // host's store connection (its heartbeat, other hosts' changes) waits only for the insert.
    private boolean put(String sha256, Path folder, Path zip) {
        if (database.run("looking for a bundle", connection -> BundleBlobs.exists(connection, sha256))) {
            return false;
        }
        try {
            FolderZip.write(folder, zip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return database.run("storing a bundle", connection -> {
            try {
                return BundleBlobs.put(connection, sha256, zip);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void deleteQuietly(Path zip) {
        try {
            Files.deleteIfExists(zip);
        } catch (IOException ignored) {
            // The scratch folder is emptied at the next start.
        }
    }
}
