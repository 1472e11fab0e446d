package io.jworkers.runtime.deploy;

import io.jworkers.runtime.config.NameRules;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link FolderStore#open} does before anything is read: it finishes or undoes the
 * change a crash interrupted. The staging folder and temp files go; a version written but never
 * committed (numbered above its index's {@code latest}) goes with its secrets; an environment
 * whose first deploy never committed goes; bundles that no version names go. Nothing that may be
 * somebody's data is deleted on a guess: an environment whose index is damaged or missing keeps
 * all its files (it becomes a {@link StateProblem}), and while any version record is unreadable
 * no bundle is collected.
 */
final class StateRecovery {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final StateLayout layout;
    private final DurableFiles files;
    private final VersionRecords records;

    StateRecovery(StateLayout layout, VersionRecords records) {
        this.layout = layout;
        this.files = new DurableFiles(layout.root());
        this.records = records;
    }

    void run() throws IOException {
        files.createDirs(layout.staging(), false);
        for (String name : DurableFiles.list(layout.staging())) {
            DurableFiles.deleteTree(layout.staging().resolve(name));
        }
        files.createDirs(layout.workers(), false);
        files.createDirs(layout.bundles(), false);
        files.createDirs(layout.secrets(), true);
        for (String worker : DurableFiles.list(layout.workers())) {
            Path workerDir = layout.workers().resolve(worker);
            if (!Files.isDirectory(workerDir) || !NameRules.WORKER_NAME.matcher(worker).matches()) {
                LOG.log(Level.WARNING, "ignoring " + workerDir + ": not a worker folder jworkers made");
                continue;
            }
            try {
                for (String environment : DurableFiles.list(workerDir)) {
                    if (Files.isDirectory(workerDir.resolve(environment))
                            && NameRules.ENVIRONMENT_NAME.matcher(environment).matches()) {
                        recoverEnvironment(worker, environment);
                    }
                }
                deleteIfEmpty(workerDir);
            } catch (IOException e) {
                // One worker's folder that cannot be read or cleaned (a restore as another user...) must
                // not stop the host: its files stay as they are, and reading it reports the problem.
                LOG.log(Level.ERROR, "[" + worker + "] its state files cannot be checked (" + e + "); they are left as"
                        + " they are. Fix the folder's owner or permissions, then restart or deploy again.");
            }
        }
        recoverSecrets();
        collectBundles(layout, records);
    }

    private void recoverEnvironment(String worker, String environment) throws IOException {
        Path environmentDir = layout.environment(worker, environment);
        Path versionsDir = layout.versions(worker, environment);
        deleteTempFiles(environmentDir);
        deleteTempFiles(versionsDir);
        Optional<VersionRecords.Index> index;
        try {
            index = records.index(worker, environment);
        } catch (DamagedStateException e) {
            LOG.log(Level.ERROR, "[" + worker + "] " + e.getMessage());
            return; // keep everything: a deploy repairs it
        }
        if (index.isEmpty()) {
            deleteIfEmpty(versionsDir); // nothing was ever committed here (an earlier layout's files are kept)
            deleteIfEmpty(environmentDir);
            return;
        }
        int latest = index.get().latest();
        for (String name : DurableFiles.list(versionsDir)) {
            int number = StateLayout.versionNumber(name);
            if (number > latest) {
                // Written, never committed: the change a crash interrupted.
                Files.deleteIfExists(versionsDir.resolve(name));
                Files.deleteIfExists(layout.versionSecrets(worker, environment, number));
            }
        }
        if (index.get().current() == null && latest == 0) {
            // A first deploy that never committed: its index goes, and the folders if nothing else is in them.
            Files.deleteIfExists(layout.index(worker, environment));
            deleteIfEmpty(versionsDir);
            deleteIfEmpty(environmentDir);
        }
    }

    private void recoverSecrets() throws IOException {
        for (String worker : DurableFiles.list(layout.secrets())) {
            Path workerDir = layout.secrets().resolve(worker);
            if (!Files.isDirectory(workerDir)) {
                continue;
            }
            try {
                recoverSecretsOf(worker, workerDir);
            } catch (IOException e) {
                LOG.log(Level.ERROR, "[" + worker + "] its secret files cannot be checked (" + e + "); they are left as"
                        + " they are. Fix the folder's owner or permissions.");
            }
        }
    }

    private void recoverSecretsOf(String worker, Path workerDir) throws IOException {
        for (String environment : DurableFiles.list(workerDir)) {
            Path dir = workerDir.resolve(environment);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            deleteTempFiles(dir);
            Path environmentDir = layout.environment(worker, environment);
            boolean versions = DurableFiles.list(dir).stream().anyMatch(name -> StateLayout.versionNumber(name) > 0);
            if (versions && !Files.isDirectory(environmentDir)) {
                // Secrets are never returned by the API: these files may be their only copy. Kept, said once.
                LOG.log(Level.WARNING, "[" + worker + "] secrets of " + environment + " are kept in " + dir + ", but "
                        + environmentDir + " is gone; delete them if nothing needs them");
            }
            deleteIfEmpty(dir);
        }
        deleteIfEmpty(workerDir);
    }

    /** Deletes the bundles no version record names; none while a record cannot be read. */
    static void collectBundles(StateLayout layout, VersionRecords records) throws IOException {
        Optional<Set<String>> referenced = referencedBundles(layout, records);
        if (referenced.isEmpty()) {
            LOG.log(Level.WARNING, "unused bundles are kept in " + layout.bundles() + " while a version record is damaged");
            return;
        }
        for (String hash : DurableFiles.list(layout.bundles())) {
            if (!referenced.get().contains(hash)) {
                DurableFiles.deleteTree(layout.bundle(hash)); // staged by a change that never committed
            }
        }
    }

    /**
     * The hashes of the bundles that some version record names, or empty when a record cannot be read.
     */
    static Optional<Set<String>> referencedBundles(StateLayout layout, VersionRecords records) {
        Set<String> hashes = new HashSet<>();
        try {
            for (String worker : DurableFiles.list(layout.workers())) {
                for (String environment : DurableFiles.list(layout.workers().resolve(worker))) {
                    for (String name : DurableFiles.list(layout.versions(worker, environment))) {
                        int number = StateLayout.versionNumber(name);
                        if (number > 0) {
                            records.version(worker, environment, number).ifPresent(info -> hashes.add(info.sha256()));
                        }
                    }
                }
            }
        } catch (IOException | DamagedStateException e) {
            return Optional.empty();
        }
        return Optional.of(hashes);
    }

    private static void deleteTempFiles(Path dir) throws IOException {
        for (String name : DurableFiles.list(dir)) {
            if (DurableFiles.isTemp(name)) {
                Files.deleteIfExists(dir.resolve(name));
            }
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir) && DurableFiles.list(dir).isEmpty()) {
            Files.delete(dir);
        }
    }
}
