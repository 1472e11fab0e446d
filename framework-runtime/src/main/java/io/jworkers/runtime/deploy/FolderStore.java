package io.jworkers.runtime.deploy;

import io.jworkers.runtime.deploy.VersionRecords.Index;

import io.jworkers.runtime.bundle.BundleArchive;
import io.jworkers.runtime.bundle.BundleHash;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.bundle.UnpackedBundle;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.NameRules;
import io.jworkers.runtime.config.Secrets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The state of {@code jworkers serve} in one folder (see {@link StateLayout}): every version of
 * every worker in every environment, which one is current, their secrets and bundles.
 *
 * <p>A change writes everything new first (the bundle under its hash, the version's record and
 * secrets), lets the caller check the candidate (the host loads it), and only then replaces the
 * environment's {@code index.json}: that one atomic rename is the commit. A crash at any instant
 * leaves the last committed state; {@link #open} removes what an unfinished change left. Files
 * that are damaged or missing make their worker environment a {@link StateProblem}, never the
 * whole store unreadable, and nothing is deleted because an index is missing.
 *
 * <p>Thread-safe: one store-wide lock (changes are rare). One process per state folder.
 */
public final class FolderStore implements StateStore {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final StateLayout layout;
    private final DurableFiles files;
    private final SecretSets secretSets;
    private final VersionRecords records;
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
        this.files = new DurableFiles(root);
        this.secretSets = new SecretSets(files);
        this.records = new VersionRecords(layout, files);
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
            List<String> workers = new ArrayList<>();
            for (String worker : namesIn(layout.workers())) {
                if (NameRules.WORKER_NAME.matcher(worker).matches() && !environmentsLocked(worker).isEmpty()) {
                    workers.add(worker);
                }
            }
            return workers;
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
        checkWorker(worker);
        synchronized (lock) {
            return environmentsLocked(worker);
        }
    }

    private List<String> environmentsLocked(String worker) {
        List<String> environments = new ArrayList<>();
        for (String environment : namesIn(layout.workers().resolve(worker))) {
            if (NameRules.ENVIRONMENT_NAME.matcher(environment).matches()
                    && (Files.exists(layout.index(worker, environment)) || Files.isDirectory(layout.versions(worker, environment)))) {
                environments.add(environment);
            }
        }
        return environments;
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
        checkNames(worker, environment);
        synchronized (lock) {
            int latest = records.indexQuietly(worker, environment).map(Index::latest)
                    .orElseGet(() -> records.highestNumber(worker, environment));
            List<VersionInfo> versions = new ArrayList<>();
            for (int number = 1; number <= latest; number++) {
                try {
                    records.version(worker, environment, number).ifPresent(versions::add);
                } catch (DamagedStateException e) {
                    // problems() reports it; the listing shows what can be read.
                }
            }
            return versions;
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
        checkNames(worker, environment);
        synchronized (lock) {
            Optional<Index> index = records.index(worker, environment);
            if (index.isEmpty()) {
                if (Files.exists(layout.environment(worker, environment).resolve(StateLayout.LEGACY_INDEX))) {
                    throw new DamagedStateException("\"" + worker + "\" in " + environment + " was deployed by an earlier"
                            + " jworkers, whose state layout this one does not read (" + layout.environment(worker, environment)
                            + "). Deploy it again; then delete that folder's deployments.json and the numbered folders in"
                            + " versions/ (not the N.json files).");
                }
                int highest = records.highestNumber(worker, environment);
                if (highest > 0) {
                    throw new DamagedStateException("The index " + layout.index(worker, environment) + " is missing, but"
                            + " versions up to " + highest + " are there (kept). Deploy again to make a new current version,"
                            + " or restore the index from a backup.");
                }
                return Optional.empty();
            }
            if (index.get().current() == null) {
                return Optional.empty();
            }
            return Optional.of(deploymentLocked(worker, environment, index.get().current(), true));
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
        checkNames(worker, environment);
        synchronized (lock) {
            Optional<Index> index = records.index(worker, environment);
            if (index.isEmpty() && records.highestNumber(worker, environment) > 0) {
                current(worker, environment); // throws, saying what is missing
            }
            return index.map(Index::current);
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
        checkNames(worker, environment);
        synchronized (lock) {
            int latest = records.index(worker, environment).map(Index::latest).orElse(0);
            if (number < 1 || number > latest || records.version(worker, environment, number).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(deploymentLocked(worker, environment, number, false));
        }
    }

    private Deployment deploymentLocked(String worker, String environment, int number, boolean current) {
        String which = (current ? "the current version " : "version ") + number + " of \"" + worker + "\" in " + environment;
        VersionInfo info = records.version(worker, environment, number).orElseThrow(() -> new DamagedStateException(
                "The record of " + which + " is missing (" + layout.version(worker, environment, number) + "). Deploy again,"
                        + " or roll back to another version: jworkers versions " + worker + flag(environment)));
        Path bundle = layout.bundle(info.sha256());
        String config;
        try {
            config = Files.readString(bundle.resolve(WorkerBundle.CONFIG), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DamagedStateException("The bundle of " + which + " is missing (" + bundle + "). Deploy again, or"
                    + " roll back to another version: jworkers versions " + worker + flag(environment));
        } catch (IOException e) {
            throw new DamagedStateException("The bundle of " + which + " cannot be read (" + e + "). Deploy again.");
        }
        Path secretsFile = layout.versionSecrets(worker, environment, number);
        // Every version has a secrets file, even an empty one: a missing file is damage, not "no secrets".
        Map<String, String> secrets = secretSets.read(secretsFile).orElseThrow(() -> new DamagedStateException(
                "The secrets file of " + which + " is missing (" + secretsFile + "). Set the secrets again (jworkers"
                        + " secret put, or deploy with --secrets-file), or restore the file from a backup."));
        return new Deployment(info, bundle, config, Secrets.of(secrets));
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
        checkNames(worker, environment);
        synchronized (lock) {
            return new TreeSet<>(secretSets.read(layout.pendingSecrets(worker, environment)).orElse(Map.of()).keySet());
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
        checkNames(worker, environment);
        synchronized (lock) {
            return new TreeMap<>(secretSets.read(layout.pendingSecrets(worker, environment)).orElse(Map.of()));
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
            SortedMap<String, List<String>> found = new TreeMap<>();
            for (String worker : namesIn(layout.secrets())) {
                if (!NameRules.WORKER_NAME.matcher(worker).matches()) {
                    continue;
                }
                for (String environment : namesIn(layout.secrets().resolve(worker))) {
                    if (NameRules.ENVIRONMENT_NAME.matcher(environment).matches()
                            && Files.exists(layout.pendingSecrets(worker, environment))) {
                        found.computeIfAbsent(worker, w -> new ArrayList<>()).add(environment);
                    }
                }
            }
            return found;
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
        checkNames(worker, environment);
        synchronized (lock) {
            currentNumber(worker, environment); // throws when the index is damaged, or missing while versions are there
            int latest = records.index(worker, environment).map(Index::latest).orElse(0);
            List<Deployment> all = new ArrayList<>();
            for (int number = 1; number <= latest; number++) {
                all.add(deploymentLocked(worker, environment, number, false));
            }
            return all;
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
            for (String worker : workers()) {
                for (String environment : environmentsLocked(worker)) {
                    try {
                        current(worker, environment);
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
        try {
            checkNames(worker, environment);
            for (Map.Entry<String, String> change : draft.secretChanges().entrySet()) {
                if (change.getValue() != null) {
                    SecretSets.check(change.getKey(), change.getValue());
                }
            }
            synchronized (lock) {
                return addVersionLocked(worker, environment, draft, check);
            }
        } finally {
            if (draft.staged() != null) {
                DurableFiles.deleteQuietly(draft.staged().folder());
            }
        }
    }

    private VersionInfo addVersionLocked(String worker, String environment, NewVersion draft, Consumer<Deployment> check) {
        Optional<Index> index = records.indexQuietly(worker, environment);
        int number = Math.max(index.map(Index::latest).orElse(0), records.highestNumber(worker, environment)) + 1;
        Map<String, String> secrets = new TreeMap<>(baseSecrets(worker, environment, index));
        draft.secretChanges().forEach((name, value) -> {
            if (value == null) {
                secrets.remove(name);
            } else {
                secrets.put(name, value);
            }
        });
        SecretSets.checkCount(secrets);
        VersionInfo info = new VersionInfo(number, Instant.now(), draft.message(), draft.bundleHash(), draft.routesTaken());
        Path bundle = layout.bundle(info.sha256());
        boolean movedBundle = false;
        boolean first = number == 1 && !Files.exists(layout.index(worker, environment));
        try {
            if (first) {
                // An index before the first version file: a version file without an index is damage, never a crash.
                records.writeIndex(worker, environment, new Index(null, 0), n -> step("index-written", n));
            }
            if (draft.staged() != null && Files.isDirectory(bundle) && !intact(bundle, info.sha256())) {
                // The copy on disk was damaged: the fresh upload replaces it (what ran from it was broken anyway).
                LOG.log(Level.WARNING, "the stored bundle " + bundle + " was damaged; replaced by the one deployed now");
                DurableFiles.moveAtomically(bundle, layout.staging().resolve("damaged-" + UUID.randomUUID()));
            }
            if (draft.staged() != null && !Files.isDirectory(bundle)) {
                files.createDirs(layout.bundles(), false);
                DurableFiles.moveAtomically(draft.staged().folder(), bundle);
                movedBundle = true;
            } else if (!Files.isDirectory(bundle)) {
                throw new DamagedStateException("The bundle " + bundle + " is missing; deploy the worker again");
            }
            secretSets.write(layout.versionSecrets(worker, environment, number), secrets);
            records.writeVersion(worker, environment, info);
            step("staged", number);
            check.accept(deploymentLocked(worker, environment, number, false));
            step("loaded", number);
            records.writeIndex(worker, environment, new Index(number, number), n -> step("index-written", n));
            step("committed", number);
        } catch (IOException | RuntimeException e) {
            // Not committed: remove what this change wrote, and only that. (A simulated crash throws an
            // Error and skips this; the next start's recovery does the same.)
            DurableFiles.deleteQuietly(layout.version(worker, environment, number));
            DurableFiles.deleteQuietly(layout.versionSecrets(worker, environment, number));
            if (first) {
                DurableFiles.deleteQuietly(layout.index(worker, environment));
                deleteIfEmptyQuietly(layout.versions(worker, environment));
                deleteIfEmptyQuietly(layout.environment(worker, environment));
                deleteIfEmptyQuietly(layout.workers().resolve(worker));
                deleteIfEmptyQuietly(layout.secrets(worker, environment));
                deleteIfEmptyQuietly(layout.secrets().resolve(worker));
            }
            if (movedBundle && !referenced(info.sha256())) {
                DurableFiles.deleteQuietly(bundle);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (NoSpaceLeftException.isDiskFull((IOException) e)) {
                throw new NoSpaceLeftException("storing version " + number + " of " + worker, layout.root(), (IOException) e);
            }
            throw new DeploymentException("Storing version " + number + " of \"" + worker + "\" in " + environment
                    + " failed: " + e, e);
        }
        if (index.map(Index::current).isEmpty()) {
            DurableFiles.deleteQuietly(layout.pendingSecrets(worker, environment));
        }
        return info;
    }

    // The secrets a new version starts from: the current version's; if they cannot be read, none
    // (a required secret then refuses the change, saying which: never an older set that may hold a
    // secret deleted since). Without a current version: when an index was lost, the newest readable
    // version's, else those set before the first deploy.
    private Map<String, String> baseSecrets(String worker, String environment, Optional<Index> index) {
        if (index.isPresent() && index.get().current() != null) {
            int current = index.get().current();
            try {
                return secretSets.read(layout.versionSecrets(worker, environment, current)).orElseThrow(() ->
                        new DamagedStateException("the secrets file of version " + current + " is missing"));
            } catch (DamagedStateException e) {
                LOG.log(Level.WARNING, "[" + worker + "] " + e.getMessage() + "; the new version starts with no secrets"
                        + " but those it is given");
                return Map.of();
            }
        }
        for (int number = records.highestNumber(worker, environment); number > 0; number--) {
            try {
                Optional<Map<String, String>> set = secretSets.read(layout.versionSecrets(worker, environment, number));
                if (set.isPresent()) {
                    LOG.log(Level.WARNING, "[" + worker + "] the index of " + environment + " is lost: the new version starts"
                            + " with the secrets of version " + number + ", the newest that can be read");
                    return set.get();
                }
            } catch (DamagedStateException e) {
                // An older one may be readable.
            }
        }
        return secretSets.read(layout.pendingSecrets(worker, environment)).orElse(Map.of());
    }

    private static boolean intact(Path bundle, String sha256) {
        try {
            return BundleHash.of(bundle).equals(sha256);
        } catch (RuntimeException e) {
            return false;
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
        checkNames(worker, environment);
        synchronized (lock) {
            Index index = records.index(worker, environment).orElseThrow(() -> new DeploymentException("Worker \"" + worker
                    + "\" has no deployments in environment \"" + environment + "\""));
            Deployment target = deployment(worker, environment, number).orElseThrow(() -> new DeploymentException(
                    "Worker \"" + worker + "\" has no version " + number + " in " + environment));
            check.accept(target);
            try {
                records.writeIndex(worker, environment, new Index(number, index.latest()), n -> step("index-written", n));
            } catch (IOException e) {
                throw new DeploymentException("Rollback of \"" + worker + "\" in " + environment + " failed: " + e, e);
            }
            return target.info();
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
        checkNames(worker, environment);
        synchronized (lock) {
            Path environmentDir = layout.environment(worker, environment);
            try {
                files.createDirs(layout.staging(), false);
                // Two renames into staging/ (which the next start empties): the secrets first, so that a crash
                // between them leaves a worker whose secrets are missing (reported; delete it again), never
                // secrets of a worker that is gone. The worker's folder going is the commit.
                Path secretsTrash = layout.staging().resolve("deleted-secrets-" + UUID.randomUUID());
                if (Files.isDirectory(layout.secrets(worker, environment))) {
                    DurableFiles.moveAtomically(layout.secrets(worker, environment), secretsTrash);
                }
                Path trash = layout.staging().resolve("deleted-" + UUID.randomUUID());
                if (Files.isDirectory(environmentDir)) {
                    DurableFiles.moveAtomically(environmentDir, trash);
                }
                DurableFiles.deleteTree(trash);
                DurableFiles.deleteTree(secretsTrash);
                deleteIfEmpty(layout.workers().resolve(worker));
                deleteIfEmpty(layout.secrets().resolve(worker));
            } catch (IOException e) {
                throw new DeploymentException("Deleting \"" + worker + "\" in " + environment + " failed: " + e, e);
            }
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
        checkNames(worker, environment);
        SecretSets.check(name, value);
        synchronized (lock) {
            Path file = layout.pendingSecrets(worker, environment);
            Map<String, String> secrets = new TreeMap<>(secretSets.read(file).orElse(Map.of()));
            secrets.put(name, value);
            SecretSets.checkCount(secrets);
            secretSets.write(file, secrets);
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
        checkNames(worker, environment);
        synchronized (lock) {
            Path file = layout.pendingSecrets(worker, environment);
            Map<String, String> secrets = new TreeMap<>(secretSets.read(file).orElse(Map.of()));
            if (secrets.remove(name) == null) {
                return false;
            }
            secretSets.write(file, secrets);
            return true;
        }
    }

    // ------------------------------------------------------------------ files

    private void step(String step, int number) {
        crashHook.accept(step);
        TestPause.at(step, number);
    }

    // Whether any version record of any worker names this bundle (or a record cannot be read: then keep it).
    private boolean referenced(String sha256) {
        return StateRecovery.referencedBundles(layout, records).map(set -> set.contains(sha256)).orElse(true);
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

    private static void deleteIfEmptyQuietly(Path dir) {
        try {
            deleteIfEmpty(dir);
        } catch (IOException ignored) {
            // Best effort: recovery removes empty folders at the next start.
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir) && DurableFiles.list(dir).isEmpty()) {
            Files.delete(dir);
        }
    }

    private static List<String> namesIn(Path dir) {
        try {
            return DurableFiles.list(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + dir + ": " + e);
            return List.of();
        }
    }

    private static String flag(String environment) {
        return environment.equals("production") ? "" : " --env " + environment;
    }

    private static void checkWorker(String worker) {
        if (worker == null || !NameRules.WORKER_NAME.matcher(worker).matches()) {
            throw new DeploymentException("Invalid worker name \"" + worker + "\": " + NameRules.WORKER_NAME_RULE);
        }
    }

    private static void checkNames(String worker, String environment) {
        checkWorker(worker);
        if (environment == null || !NameRules.ENVIRONMENT_NAME.matcher(environment).matches()) {
            throw new DeploymentException("Invalid environment name \"" + environment + "\": " + NameRules.ENVIRONMENT_NAME_RULE);
        }
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
