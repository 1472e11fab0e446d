package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.BundleHash;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.deploy.VersionRecords.Index;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * The changes of a state folder, each crash-safe: a new version writes everything new first (the
 * bundle under its hash, the version's record and secrets), lets the caller check the candidate,
 * and only then replaces the environment's {@code index.json}, the one atomic rename that commits
 * it; a failure before removes what this change wrote, and only that. An upload is the same with
 * an index that keeps what is deployed; a deploy or rollback is an index replaced, a delete two
 * renames into {@code staging/}. Called under the {@link FolderStore}'s
 * lock, with names already checked.
 */
final class FolderChanges {

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final StateLayout layout;
    private final DurableFiles files;
    private final SecretSets secretSets;
    private final VersionRecords records;
    private final FolderReads reads;
    // Told each step of a change ("staged", "loaded", "index-written", "committed") with its version.
    private final ObjIntConsumer<String> step;

    FolderChanges(StateLayout layout, DurableFiles files, SecretSets secretSets, VersionRecords records, FolderReads reads,
            ObjIntConsumer<String> step) {
        this.layout = layout;
        this.files = files;
        this.secretSets = secretSets;
        this.records = records;
        this.reads = reads;
        this.step = step;
    }

    /**
     * See {@link FolderStore#addVersion} and, with {@code upload}, {@link FolderStore#uploadVersion};
     * the secret changes were checked.
     */
    VersionInfo addVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check, boolean upload) {
        if (upload) {
            // An upload keeps what is deployed, so it must be able to read it: a damaged or lost index
            // is repaired by a deploy, never hidden behind a version taking no traffic.
            reads.currentNumber(worker, environment);
        }
        Optional<Index> index = upload ? records.index(worker, environment) : records.indexQuietly(worker, environment);
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
                records.writeIndex(worker, environment, new Index(null, 0), n -> step.accept("index-written", n));
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
            step.accept("staged", number);
            check.accept(reads.deployment(worker, environment, number, false));
            step.accept("loaded", number);
            Index committed = upload ? index.map(i -> i.withLatest(number)).orElse(new Index(null, number))
                    : new Index(number, number);
            records.writeIndex(worker, environment, committed, n -> step.accept("index-written", n));
            step.accept("committed", number);
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
        if (!upload && index.map(Index::current).isEmpty()) {
            DurableFiles.deleteQuietly(layout.pendingSecrets(worker, environment));
        }
        return info;
    }

    // The secrets a new version starts from: the current version's; if they cannot be read, none
    // (a required secret then refuses the change, saying which: never an older set that may hold a
    // secret deleted since). Without a current version: when an index was lost, the newest readable
    // version's, else (never deployed, or versions only uploaded) those set before the first deploy.
    private Map<String, String> baseSecrets(String worker, String environment, Optional<Index> index) {
        if (index.isPresent() && index.get().current() == null) {
            return secretSets.read(layout.pendingSecrets(worker, environment)).orElse(Map.of());
        }
        if (index.isPresent()) {
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

    /** See {@link FolderStore#makeCurrent}: a deploy of one version. */
    VersionInfo makeCurrent(String worker, String environment, int number, Consumer<Deployment> check) {
        List<Deployment> target = new ArrayList<>(1);
        deploy(worker, environment, TrafficSplit.single(number), deployments -> {
            target.add(deployments.getFirst());
            check.accept(deployments.getFirst());
        });
        return target.getFirst().info();
    }

    /** See {@link FolderStore#deploy}. */
    TrafficSplit deploy(String worker, String environment, TrafficSplit split, Consumer<List<Deployment>> check) {
        Index index = records.index(worker, environment).orElseThrow(() -> new DeploymentException("Worker \"" + worker
                + "\" has no deployments in environment \"" + environment + "\""));
        List<Deployment> deployments = new ArrayList<>();
        for (int number : split.versions()) {
            deployments.add(reads.deployment(worker, environment, number).orElseThrow(() -> new DeploymentException(
                    "Worker \"" + worker + "\" has no version " + number + " in " + environment + "; it has "
                            + reads.versions(worker, environment).stream().map(VersionInfo::number).toList())));
        }
        check.accept(List.copyOf(deployments));
        try {
            records.writeIndex(worker, environment, Index.of(split, index.latest()), n -> step.accept("index-written", n));
        } catch (IOException e) {
            throw new DeploymentException("Deploying " + split.describe() + " of \"" + worker + "\" in " + environment
                    + " failed: " + e, e);
        }
        if (index.current() == null) {
            // The first deploy of versions that were only uploaded: the secrets set for it are used up.
            DurableFiles.deleteQuietly(layout.pendingSecrets(worker, environment));
        }
        return split;
    }

    /** See {@link FolderStore#delete}. */
    void delete(String worker, String environment) {
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

    // Whether any version record of any worker names this bundle (or a record cannot be read: then keep it).
    private boolean referenced(String sha256) {
        return StateRecovery.referencedBundles(layout, records).map(set -> set.contains(sha256)).orElse(true);
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
}
