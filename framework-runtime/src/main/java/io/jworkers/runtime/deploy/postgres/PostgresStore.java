package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.bundle.BundleArchive;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.UnpackedBundle;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.HostRecord;
import io.jworkers.runtime.deploy.NewVersion;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.deploy.SecretSets;
import io.jworkers.runtime.deploy.Served;
import io.jworkers.runtime.deploy.StateProblem;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StoreNames;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TestPause;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The deployment state in PostgreSQL, shared by every host of a cluster (DESIGN §8): versions,
 * what takes traffic (current versions and splits), sealed secrets and bundles live in the
 * database ({@code V1__state.sql}, {@code V2__traffic_split.sql});
 * each host keeps unpacked bundles in its {@link BundleCache}.
 *
 * <p>A change runs in one transaction under a transaction-scoped advisory lock of its worker
 * environment, so concurrent changes through different hosts take turns and number versions
 * consecutively; the candidate is checked (loaded by the host) inside that transaction, and the
 * commit bumps the global revision and NOTIFYs {@value #CHANNEL} with it ({@link Revisions}).
 * The rows are read and written by {@link EnvironmentRows} and {@link VersionRows}, secrets by
 * {@link SealedSecrets}, bundles by {@link BundleTransfers}; a host started while the database
 * is unreachable serves its {@link OfflineSnapshot}.
 */
public final class PostgresStore implements StateStore {

    /** The channel every committed change is announced on, with its revision as payload. */
    public static final String CHANNEL = "jworkers_changes";

    private static final System.Logger LOG = System.getLogger("jworkers.store");

    private final Database database;
    private final SealedSecrets secrets;
    private final BundleCache cache;
    private final BundleTransfers bundles;
    private final ChangeListener listener;
    private final OfflineSnapshot offline;
    private final StoreImport imports;

    private PostgresStore(Database database, SealedSecrets secrets, BundleCache cache, OfflineSnapshot offline) {
        this.database = database;
        this.secrets = secrets;
        this.cache = cache;
        this.bundles = new BundleTransfers(database, cache);
        this.listener = new ChangeListener(database);
        this.offline = offline;
        this.imports = new StoreImport(database, secrets, bundles);
    }

    /**
     * Connects to the store, creating or upgrading its schema.
     *
     * @param url where the database is
     * @param password the password, or {@code null} (trust or a {@code .pgpass})
     * @param cipher the key that seals secrets; every host of a store needs the same
     * @param cacheDir the host's bundle cache
     * @param limits the limits bundles are held to when unpacked
     * @return the store
     * @throws StoreUnreachableException if the database cannot be reached
     * @throws DeploymentException if the schema cannot be created or is newer than this jworkers
     */
    public static PostgresStore open(StoreUrl url, String password, SecretCipher cipher, Path cacheDir, BundleLimits limits) {
        requireKey(cipher);
        Database database = new Database(url, password);
        BundleCache cache = new BundleCache(cacheDir, limits);
        SealedSecrets secrets = new SealedSecrets(cipher);
        return new PostgresStore(database, secrets, cache, OfflineSnapshot.open(database, cacheDir, secrets));
    }

    /**
     * Checks that a key to seal secrets was given, before anything is done with a store.
     *
     * @param cipher the key, or {@code null} when none was given
     * @return the key
     * @throws DeploymentException saying how to give one
     */
    public static SecretCipher requireKey(SecretCipher cipher) {
        if (cipher == null) {
            throw new DeploymentException("A PostgreSQL store needs a secret key to seal secrets: give --secret-key-file FILE"
                    + " or " + SecretCipher.KEY_VARIABLE + " (32 random bytes, base64: openssl rand -base64 32), the same on"
                    + " every host");
        }
        return cipher;
    }

    /**
     * Where the database is, for logs.
     *
     * @return the URL without password
     */
    public StoreUrl url() {
        return database.url();
    }

    @Override
    public Path scratch() {
        return cache.scratch();
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<String> workers() {
        Snapshot snapshot = offline.stillOffline();
        if (snapshot != null) {
            return OfflineSnapshot.workers(snapshot);
        }
        return database.run("listing workers", EnvironmentRows::workers);
    }

    @Override
    public List<String> environments(String worker) {
        StoreNames.checkWorker(worker);
        Snapshot snapshot = offline.serving();
        if (snapshot != null) {
            return OfflineSnapshot.environments(snapshot, worker);
        }
        return database.run("listing environments", connection -> EnvironmentRows.environments(connection, worker));
    }

    @Override
    public List<VersionInfo> versions(String worker, String environment) {
        StoreNames.check(worker, environment);
        return database.run("listing versions", connection -> VersionRows.list(connection, worker, environment));
    }

    @Override
    public Optional<Deployment> current(String worker, String environment) {
        StoreNames.check(worker, environment);
        Snapshot snapshot = offline.serving();
        if (snapshot != null) {
            return snapshot.entry(worker, environment).map(e -> deployment(worker, environment, e.primary()));
        }
        Optional<Integer> number = currentNumber(worker, environment);
        return number.isEmpty() ? Optional.empty() : deploymentOf(worker, environment, number.get(), true);
    }

    @Override
    public Optional<Integer> currentNumber(String worker, String environment) {
        StoreNames.check(worker, environment);
        Snapshot snapshot = offline.serving();
        if (snapshot != null) {
            return snapshot.entry(worker, environment).map(e -> e.info().number());
        }
        return database.run("reading the current version", connection -> EnvironmentRows.find(connection, worker,
                environment, false).map(EnvironmentRows.Row::current));
    }

    @Override
    public Optional<TrafficSplit> split(String worker, String environment) {
        StoreNames.check(worker, environment);
        Snapshot snapshot = offline.serving();
        if (snapshot != null) {
            return snapshot.entry(worker, environment).map(Snapshot.Entry::deployed);
        }
        return database.run("reading what is deployed", connection -> EnvironmentRows.find(connection, worker,
                environment, false).map(EnvironmentRows.Row::deployed));
    }

    @Override
    public Optional<Deployment> deployment(String worker, String environment, int number) {
        StoreNames.check(worker, environment);
        Snapshot snapshot = offline.serving();
        if (snapshot != null) {
            // Offline: the versions the snapshot kept (those of what was deployed); others need the store.
            Optional<VersionRows.Stored> kept = snapshot.entry(worker, environment).flatMap(e -> e.version(number));
            if (kept.isPresent()) {
                return Optional.of(deployment(worker, environment, kept.get()));
            }
        }
        return deploymentOf(worker, environment, number, false);
    }

    private Optional<Deployment> deploymentOf(String worker, String environment, int number, boolean current) {
        Optional<VersionRows.Stored> stored = database.run("reading a version", connection -> VersionRows.find(connection,
                worker, environment, number));
        if (stored.isEmpty()) {
            if (current) {
                throw new DamagedStateException("The current version " + number + " of \"" + worker + "\" in " + environment
                        + " is not in the store. Deploy again, or roll back to another version.");
            }
            return Optional.empty();
        }
        return Optional.of(deployment(worker, environment, stored.get()));
    }

    // A stored version as a host runs it: its bundle in the cache (fetched if need be), its secrets open.
    private Deployment deployment(String worker, String environment, VersionRows.Stored stored) {
        String which = "version " + stored.info().number() + " of \"" + worker + "\" in " + environment;
        Path folder;
        try {
            folder = bundles.fetch(stored.info().sha256());
        } catch (DeploymentException e) {
            throw e;
        } catch (Exception e) {
            throw new DamagedStateException("The bundle of " + which + " cannot be fetched from the store: " + e.getMessage());
        }
        String config;
        try {
            config = Files.readString(folder.resolve(WorkerBundle.CONFIG), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DamagedStateException("The bundle of " + which + " has no " + WorkerBundle.CONFIG + ". Deploy again.");
        } catch (IOException e) {
            throw new DamagedStateException("The bundle of " + which + " cannot be read (" + e + "). Deploy again.");
        }
        Map<String, String> set = secrets.open(stored.sealedSecrets(), worker, environment, stored.info().number(), which);
        return new Deployment(stored.info(), folder, config, Secrets.of(set));
    }

    @Override
    public Set<String> pendingSecretNames(String worker, String environment) {
        StoreNames.check(worker, environment);
        return database.run("reading pending secrets", connection -> new TreeSet<>(secrets.pending(connection, worker,
                environment).keySet()));
    }

    @Override
    public List<StateProblem> problems() {
        List<StateProblem> problems = new ArrayList<>();
        for (String worker : workers()) {
            for (String environment : environments(worker)) {
                try {
                    current(worker, environment);
                } catch (DamagedStateException e) {
                    problems.add(new StateProblem(worker, environment, e.getMessage()));
                }
            }
        }
        return problems;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public long revision() {
        Snapshot snapshot = offline.stillOffline();
        return snapshot != null ? snapshot.revision() : database.run("reading the revision", Revisions::current);
    }

    @Override
    public void remember(long revision, List<Served> served) {
        offline.remember(revision, served);
    }

    @Override
    public void awaitChange(java.time.Duration timeout) {
        listener.await(timeout);
    }

    @Override
    public void recordHost(HostRecord host) {
        database.run("recording this host", connection -> {
            HostRegistry.record(connection, host);
            return null;
        });
    }

    @Override
    public List<HostRecord> hosts() {
        return database.run("listing hosts", HostRegistry::list);
    }

    // ------------------------------------------------------------------ changes

    @Override
    public UnpackedBundle stage(Path zip, BundleLimits limits) {
        return BundleArchive.extract(zip, cache.scratch().resolve("unpack-" + UUID.randomUUID()), limits);
    }

    @Override
    public void discard(UnpackedBundle staged) {
        try {
            io.jworkers.runtime.deploy.DurableFiles.deleteTree(staged.folder());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + staged.folder() + ": " + e);
        }
    }

    @Override
    public VersionInfo addVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check) {
        return add(worker, environment, draft, check, false);
    }

    @Override
    public VersionInfo uploadVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check) {
        return add(worker, environment, draft, check, true);
    }

    // A new version, current alone (a deploy) or taking no traffic (an upload).
    private VersionInfo add(String worker, String environment, NewVersion draft, Consumer<Deployment> check, boolean upload) {
        try {
            StoreNames.check(worker, environment);
            for (Map.Entry<String, String> change : draft.secretChanges().entrySet()) {
                if (change.getValue() != null) {
                    SecretSets.check(change.getKey(), change.getValue());
                }
            }
            String sha256 = draft.bundleHash();
            if (draft.staged() != null) {
                bundles.storeUpload(draft.staged());
            }
            return database.run("storing a version of \"" + worker + "\" in " + environment, connection -> {
                Revisions.lock(connection, worker, environment);
                Optional<EnvironmentRows.Row> row = EnvironmentRows.find(connection, worker, environment, true);
                if (!BundleBlobs.exists(connection, sha256)) {
                    throw new DamagedStateException("The bundle " + sha256 + " is not in the store; deploy the worker again");
                }
                int number = row.map(EnvironmentRows.Row::latest).orElse(0) + 1;
                Map<String, String> set = new TreeMap<>(secrets.base(connection, worker, environment, row));
                draft.secretChanges().forEach((name, value) -> {
                    if (value == null) {
                        set.remove(name);
                    } else {
                        set.put(name, value);
                    }
                });
                SecretSets.checkCount(set);
                // PostgreSQL keeps microseconds: the record returned equals the one read back.
                VersionInfo info = new VersionInfo(number, Instant.now().truncatedTo(ChronoUnit.MICROS), draft.message(),
                        sha256, draft.routesTaken());
                if (row.isEmpty()) {
                    EnvironmentRows.insertEmpty(connection, worker, environment);
                }
                byte[] sealed = secrets.seal(set, worker, environment, number);
                VersionRows.insert(connection, worker, environment, info, sealed);
                TestPause.at("staged", number);
                check.accept(deployment(worker, environment, new VersionRows.Stored(info, sealed)));
                TestPause.at("loaded", number);
                if (upload) {
                    // What is deployed stays; the secrets set for a first deploy stay until one is.
                    long revision = Revisions.bump(connection, worker, environment, "upload", number);
                    EnvironmentRows.commitUpload(connection, worker, environment, number, revision);
                } else {
                    long revision = Revisions.bump(connection, worker, environment, "deploy", number);
                    EnvironmentRows.commitNew(connection, worker, environment, number, revision);
                    SealedSecrets.deletePending(connection, worker, environment);
                }
                return info;
            });
        } finally {
            if (draft.staged() != null) {
                discard(draft.staged());
            }
        }
    }

    @Override
    public VersionInfo makeCurrent(String worker, String environment, int number, Consumer<Deployment> check) {
        StoreNames.check(worker, environment);
        List<Deployment> target = new ArrayList<>(1);
        deploy(worker, environment, TrafficSplit.single(number), "rolling back", "rollback", deployments -> {
            target.add(deployments.getFirst());
            check.accept(deployments.getFirst());
        });
        return target.getFirst().info();
    }

    @Override
    public TrafficSplit deploy(String worker, String environment, TrafficSplit split, Consumer<List<Deployment>> check) {
        StoreNames.check(worker, environment);
        return deploy(worker, environment, split, "deploying " + split.describe() + " of", "deploy", check);
    }

    // Sends traffic to existing versions; the change is recorded as kind with the primary version.
    private TrafficSplit deploy(String worker, String environment, TrafficSplit split, String doing, String kind,
            Consumer<List<Deployment>> check) {
        return database.run(doing + " \"" + worker + "\" in " + environment, connection -> {
            Revisions.lock(connection, worker, environment);
            EnvironmentRows.Row row = EnvironmentRows.find(connection, worker, environment, true).orElseThrow(() ->
                    new DeploymentException("Worker \"" + worker + "\" has no deployments in environment \"" + environment + "\""));
            List<Deployment> deployments = new ArrayList<>();
            for (int number : split.versions()) {
                Optional<VersionRows.Stored> stored = VersionRows.find(connection, worker, environment, number);
                if (stored.isEmpty()) {
                    throw new DeploymentException("Worker \"" + worker + "\" has no version " + number + " in " + environment
                            + "; it has " + VersionRows.list(connection, worker, environment).stream().map(VersionInfo::number)
                            .toList());
                }
                deployments.add(deployment(worker, environment, stored.get()));
            }
            check.accept(List.copyOf(deployments));
            long revision = Revisions.bump(connection, worker, environment, kind, split.primary());
            EnvironmentRows.commitDeployed(connection, worker, environment, split, revision);
            if (row.current() == null) {
                // The first deploy of versions that were only uploaded: the secrets set for it are used up.
                SealedSecrets.deletePending(connection, worker, environment);
            }
            return split;
        });
    }

    @Override
    public void delete(String worker, String environment) {
        StoreNames.check(worker, environment);
        database.run("deleting \"" + worker + "\" in " + environment, connection -> {
            Revisions.lock(connection, worker, environment);
            boolean deleted = EnvironmentRows.delete(connection, worker, environment);
            SealedSecrets.deletePending(connection, worker, environment);
            if (deleted) {
                Revisions.bump(connection, worker, environment, "delete", null);
            }
            return null;
        });
    }

    @Override
    public void putPendingSecret(String worker, String environment, String name, String value) {
        StoreNames.check(worker, environment);
        SecretSets.check(name, value);
        database.run("setting a secret", connection -> {
            Revisions.lock(connection, worker, environment);
            Map<String, String> set = new TreeMap<>(secrets.pending(connection, worker, environment));
            set.put(name, value);
            SecretSets.checkCount(set);
            secrets.writePending(connection, worker, environment, set);
            return null;
        });
    }

    @Override
    public boolean deletePendingSecret(String worker, String environment, String name) {
        StoreNames.check(worker, environment);
        return database.run("deleting a secret", connection -> {
            Revisions.lock(connection, worker, environment);
            Map<String, String> set = new TreeMap<>(secrets.pending(connection, worker, environment));
            if (set.remove(name) == null) {
                return false;
            }
            secrets.writePending(connection, worker, environment, set);
            return true;
        });
    }

    @Override
    public void collectUnusedBundles() {
        bundles.collectUnused();
    }

    @Override
    public void close() {
        listener.close();
        database.close();
    }

    // ------------------------------------------------------------------ import (store migrate)

    /**
     * The worker environments among {@code imports} that the store has already, with versions or
     * with secrets set before a first deploy.
     *
     * @param imports the environments
     * @return those the store holds, in the order given
     * @throws StoreUnreachableException if the store cannot be reached
     */
    public List<EnvironmentImport> alreadyHeld(List<EnvironmentImport> imports) {
        return this.imports.alreadyHeld(imports);
    }

    /**
     * Copies worker environments into the store as they are (a single host's state folder moving
     * to a shared store): every version with its number, time (to the microsecond, as the store
     * keeps it), message, routes taken, bundle and its own secrets (sealed), what takes traffic
     * (the current version, or a gradual deployment's split), and the secrets set before a first
     * deploy. Nothing is loaded or checked by running it, and the store's own rules for new
     * versions (numbering, the secrets a version starts from) do not apply: this is a copy.
     *
     * <p>Each bundle the store lacks is stored first, in a transaction of its own (one per hash).
     * Then every environment is written in one transaction, under each one's lock, each bumping the
     * revision with a change of kind {@code migrate}: either all of them are in the store or none
     * is, and hosts following the store load them when it commits. Bundles stored for a refused
     * import stay until {@link #collectUnusedBundles()} deletes them, or a second try uses them.
     *
     * @param imports the environments, none of which the store may hold yet
     * @return the store's revision after the commit
     * @throws DeploymentException if the store holds any of them already (the message names them), its
     *     secrets do not open with this store's key, a bundle cannot be read, or an environment is
     *     inconsistent (versions out of order, a deployed version it does not have); none of them is
     *     stored then
     * @throws StoreUnreachableException if the store cannot be reached or fails midway; none of them is stored then
     */
    public long importEnvironments(List<EnvironmentImport> imports) {
        return this.imports.importAll(imports);
    }

    /**
     * Checks that this store's key opens the secrets the store holds already (one sealed set is
     * enough): an import sealed with another key than the hosts' would give them secrets they
     * cannot open.
     *
     * @throws DeploymentException if the key does not open them
     * @throws StoreUnreachableException if the store cannot be reached
     */
    public void checkSecretKey() {
        database.run("checking the secret key", connection -> {
            secrets.checkKey(connection);
            return null;
        });
    }
}
