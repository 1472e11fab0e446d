package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.BundleArchive;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.bundle.UnpackedBundle;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The state of {@code jworkers serve} in one folder (see {@link StateLayout}): every version of
 * every worker in every environment, which ones take traffic, their secrets and bundles.
 *
 * <p>A change writes everything new first (the bundle under its hash, the version's record and
 * secrets), lets the caller check the candidate (the host loads it), and only then replaces the
 * environment's {@code index.json}: that one atomic rename is the commit ({@link FolderChanges}).
 * A crash at any instant leaves the last committed state; {@link #open} removes what an
 * unfinished change left. Files that are damaged or missing make their worker environment a
 * {@link StateProblem}, never the whole store unreadable ({@link FolderReads}), and nothing is
 * deleted because an index is missing.
 *
 * <p>Thread-safe: one store-wide lock (changes are rare). One process per state folder.
 */
public final class FolderStore implements StateStore {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final StateLayout layout;
    private final VersionRecords records;
    private final FolderReads reads;
    private final FolderChanges changes;
    private final PendingSecrets pending;
    private final Object lock = new Object();
    private volatile FolderLock folderLock;

    /**
     * Test hook: called with "staged", "loaded" and "index-written" at each step of a change. A
     * hook throwing an {@link Error} simulates a crash: no clean-up runs, the files stay.
     */
    volatile Consumer<String> crashHook = step -> { };

    // Steps ("staged", "loaded", "index-written", "committed") where TestPause can stop a whole process.

    private FolderStore(Path root) {
        this.layout = new StateLayout(root);
        DurableFiles files = new DurableFiles(root);
        SecretSets secretSets = new SecretSets(files);
        this.records = new VersionRecords(layout, files);
        this.reads = new FolderReads(layout, secretSets, records);
        this.changes = new FolderChanges(layout, files, secretSets, records, reads, this::step);
        this.pending = new PendingSecrets(layout, secretSets);
    }

    /**
     * Opens (creating if absent) the store in {@code stateDir} and recovers from a crash: the
     * staging folder, temp files and versions written but never committed are deleted. Damaged
     * files are left as they are and reported by {@link #problems()}.
     *
     * @param stateDir the state folder
     * @return the store
     * @throws DeploymentException if the folder cannot be created or read at all, or another host
     *     has it open (the folder is one host's: an OS lock on {@code serve.lock})
     */
    public static FolderStore open(Path stateDir) {
        Path root = stateDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
            FolderStore store = new FolderStore(root);
            store.folderLock = FolderLock.take(root);
            try {
                new StateRecovery(store.layout, store.records).run();
            } catch (IOException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (IOException e) {
            throw new DeploymentException("Cannot open the state folder " + root + ": " + e, e);
        }
    }

    /**
     * The state folder.
     *
     * @return its absolute path
     */
    public Path stateDir() {
        return layout.root();
    }

    /**
     * A folder for scratch files of a change in progress (uploads): emptied by {@link #open}, so
     * a crash mid-deploy leaves nothing behind after the restart.
     *
     * @return the staging folder
     */
    @Override
    public Path scratch() {
        return layout.staging();
    }

    // ------------------------------------------------------------------ reads

    /**
     * Workers with at least one environment in the store (committed or damaged), sorted.
     *
     * @return the names
     */
    @Override
    public List<String> workers() {
        synchronized (lock) {
            return reads.workers();
        }
    }

    /**
     * The environments a worker has in the store (committed or damaged), sorted.
     *
     * @param worker the worker
     * @return the names
     */
    @Override
    public List<String> environments(String worker) {
        StoreNames.checkWorker(worker);
        synchronized (lock) {
            return reads.environments(worker);
        }
    }

    /**
     * The committed versions of a worker in an environment that can be read, oldest first.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the versions; empty if it was never deployed there
     */
    @Override
    public List<VersionInfo> versions(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return reads.versions(worker, environment);
        }
    }

    /**
     * The current version, or empty if the worker was never deployed to the environment.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the deployment
     * @throws DamagedStateException if its files are damaged or missing
     */
    @Override
    public Optional<Deployment> current(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return reads.current(worker, environment);
        }
    }

    /**
     * The number of the current version, read from the index alone (a rollback works while the
     * current version's own files are damaged).
     *
     * @param worker the worker
     * @param environment the environment
     * @return the number, or empty if the worker has no current version there
     * @throws DamagedStateException if the index is damaged or missing
     */
    @Override
    public Optional<Integer> currentNumber(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return reads.currentNumber(worker, environment);
        }
    }

    /**
     * Which versions take traffic, read from the index alone.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the split, or empty if no version is deployed there
     * @throws DamagedStateException if the index is damaged, or missing while versions are there
     */
    @Override
    public Optional<TrafficSplit> split(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return reads.split(worker, environment);
        }
    }

    /**
     * A committed version, current or not.
     *
     * @param worker the worker
     * @param environment the environment
     * @param number the version number
     * @return the deployment, or empty if there is no such version
     * @throws DamagedStateException if its files are damaged
     */
    @Override
    public Optional<Deployment> deployment(String worker, String environment, int number) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return reads.deployment(worker, environment, number);
        }
    }

    /**
     * The names of the secrets set for a worker environment before its first deploy.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the names, sorted
     */
    @Override
    public Set<String> pendingSecretNames(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return pending.names(worker, environment);
        }
    }

    /**
     * The secrets set for a worker environment before its first deploy, values included: what a
     * copy of the folder into another store takes along ({@code jworkers store migrate}). The
     * values never go to a log or a message.
     *
     * @param worker the worker
     * @param environment the environment
     * @return name to value, sorted; empty if none were set
     * @throws DamagedStateException if the file holding them cannot be read
     */
    public Map<String, String> pendingSecrets(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return pending.values(worker, environment);
        }
    }

    /**
     * The worker environments that have a file of secrets set before their first deploy, those
     * never deployed included ({@link #workers()} lists only environments with versions).
     *
     * @return worker to its environments, both sorted
     */
    public SortedMap<String, List<String>> environmentsWithPendingSecrets() {
        synchronized (lock) {
            return pending.environments();
        }
    }

    /**
     * Every committed version of a worker environment with its bundle, config and secrets, oldest
     * first: what a copy of the whole history into another store needs. Unlike {@link
     * #versions}, which lists what can be read, a version that cannot be read is an exception
     * here, never left out.
     *
     * @param worker the worker
     * @param environment the environment
     * @return the versions 1 to the latest committed; empty if it was never deployed there
     * @throws DamagedStateException naming the first damaged or missing file (index, record, bundle, secrets)
     */
    public List<Deployment> everyVersion(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return reads.everyVersion(worker, environment);
        }
    }

    /**
     * Whether a folder looks like a state folder that a host used, so that a command reading one
     * (a migration) does not create one by mistake where a path was mistyped.
     *
     * @param dir the folder
     * @return whether it has a {@code workers/} or {@code secrets/} folder
     */
    public static boolean isStateFolder(Path dir) {
        StateLayout layout = new StateLayout(dir);
        return Files.isDirectory(layout.workers()) || Files.isDirectory(layout.secrets());
    }

    /**
     * The worker environments whose files are damaged or missing, each with what to do.
     *
     * @return the problems, by worker and environment
     */
    @Override
    public List<StateProblem> problems() {
        synchronized (lock) {
            List<StateProblem> problems = new ArrayList<>();
            for (String worker : reads.workers()) {
                for (String environment : reads.environments(worker)) {
                    try {
                        reads.current(worker, environment);
                    } catch (DamagedStateException e) {
                        problems.add(new StateProblem(worker, environment, e.getMessage()));
                    }
                }
            }
            return problems;
        }
    }

    // ------------------------------------------------------------------ changes

    /**
     * Unpacks an uploaded bundle into the staging folder, reading the zip once and checking it
     * ({@link BundleArchive}), and hashes its content.
     *
     * @param zip the uploaded zip
     * @param limits the limits it is held to
     * @return the unpacked bundle; pass it to {@link #addVersion} or {@link #discard}
     * @throws io.jworkers.runtime.bundle.BundleException if the zip is refused; nothing is left behind then
     * @throws NoSpaceLeftException if the disk fills up; nothing is left behind then
     */
    @Override
    public UnpackedBundle stage(Path zip, BundleLimits limits) {
        return BundleArchive.extract(zip, layout.staging().resolve("unpack-" + UUID.randomUUID()), limits);
    }

    /**
     * Removes a staged bundle that no version will use.
     *
     * @param staged the bundle
     */
    @Override
    public void discard(UnpackedBundle staged) {
        DurableFiles.deleteQuietly(staged.folder());
    }

    /**
     * Adds a version and makes it current. The new version's secrets are those of the current
     * version (or those set before the first deploy) with {@code draft}'s changes. {@code check}
     * sees the complete candidate before the commit and refuses it by throwing; then nothing
     * changes and the exception propagates.
     *
     * @param worker the worker
     * @param environment the environment
     * @param draft the bundle, message, secret changes and routes taken
     * @param check runs before the commit with the candidate deployment
     * @return the new version
     * @throws DeploymentException if it cannot be stored; nothing changed then
     */
    @Override
    public VersionInfo addVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check) {
        return add(worker, environment, draft, check, false);
    }

    /**
     * Adds a version without sending it traffic; see {@link StateStore#uploadVersion}. The index
     * keeps what is deployed and counts the new version as the latest.
     *
     * @param worker the worker
     * @param environment the environment
     * @param draft the bundle, message and secret changes
     * @param check runs before the commit with the candidate
     * @return the new version
     * @throws DamagedStateException if the index is damaged, or missing while versions are there
     * @throws DeploymentException if it cannot be stored; nothing changed then
     */
    @Override
    public VersionInfo uploadVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check) {
        return add(worker, environment, draft, check, true);
    }

    private VersionInfo add(String worker, String environment, NewVersion draft, Consumer<Deployment> check, boolean upload) {
        try {
            StoreNames.check(worker, environment);
            for (Map.Entry<String, String> change : draft.secretChanges().entrySet()) {
                if (change.getValue() != null) {
                    SecretSets.check(change.getKey(), change.getValue());
                }
            }
            synchronized (lock) {
                return changes.addVersion(worker, environment, draft, check, upload);
            }
        } finally {
            if (draft.staged() != null) {
                DurableFiles.deleteQuietly(draft.staged().folder());
            }
        }
    }

    /**
     * Makes a committed version current again (a rollback). {@code check} sees it first and
     * refuses it by throwing; then nothing changes.
     *
     * @param worker the worker
     * @param environment the environment
     * @param number the version
     * @param check runs before the commit
     * @return the version now current
     * @throws DeploymentException if there is no such version, or it cannot be stored
     */
    @Override
    public VersionInfo makeCurrent(String worker, String environment, int number, Consumer<Deployment> check) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return changes.makeCurrent(worker, environment, number, check);
        }
    }

    /**
     * Sends traffic to committed versions; see {@link StateStore#deploy}. The split is kept in the
     * index, which one atomic rename replaces.
     *
     * @param worker the worker
     * @param environment the environment
     * @param split the versions and their shares
     * @param check runs before the commit with the split's versions, newest first
     * @return the split now deployed
     * @throws DeploymentException if a version does not exist, or it cannot be stored
     */
    @Override
    public TrafficSplit deploy(String worker, String environment, TrafficSplit split, Consumer<List<Deployment>> check) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return changes.deploy(worker, environment, split, check);
        }
    }

    /**
     * Deletes a worker environment: its versions and its secrets. Its bundles stay until {@link
     * #collectUnusedBundles()} runs, since a version being drained may still load classes from them.
     *
     * @param worker the worker
     * @param environment the environment
     * @throws DeploymentException if it cannot be deleted
     */
    @Override
    public void delete(String worker, String environment) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            changes.delete(worker, environment);
        }
    }

    /**
     * Sets a secret for a worker environment that has no version yet; its first deploy uses it.
     *
     * @param worker the worker
     * @param environment the environment
     * @param name the secret's name
     * @param value its value
     * @throws DeploymentException for a bad name, an empty or too large value
     */
    @Override
    public void putPendingSecret(String worker, String environment, String name, String value) {
        StoreNames.check(worker, environment);
        SecretSets.check(name, value);
        synchronized (lock) {
            pending.put(worker, environment, name, value);
        }
    }

    /**
     * Deletes a secret set before the first deploy.
     *
     * @param worker the worker
     * @param environment the environment
     * @param name the secret's name
     * @return whether it was set
     */
    @Override
    public boolean deletePendingSecret(String worker, String environment, String name) {
        StoreNames.check(worker, environment);
        synchronized (lock) {
            return pending.delete(worker, environment, name);
        }
    }

    /**
     * Deletes the bundles that no version names any more (after a delete, once what ran from them
     * has drained). Nothing is deleted while a version record cannot be read.
     */
    @Override
    public void collectUnusedBundles() {
        synchronized (lock) {
            try {
                StateRecovery.collectBundles(layout, records);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "unused bundles were not deleted: " + e);
            }
        }
    }

    private void step(String step, int number) {
        crashHook.accept(step);
        TestPause.at(step, number);
    }

    /** Releases the folder's lock: another host may open it now. */
    @Override
    public void close() {
        FolderLock held = folderLock;
        if (held != null) {
            held.close();
        }
    }
}
