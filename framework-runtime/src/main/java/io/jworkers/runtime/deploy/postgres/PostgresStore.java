package io.jworkers.runtime.deploy.postgres;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jworkers.runtime.bundle.BundleArchive;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.FolderZip;
import io.jworkers.runtime.bundle.UnpackedBundle;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.NameRules;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TestPause;
import io.jworkers.runtime.deploy.NewVersion;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.deploy.SecretSets;
import io.jworkers.runtime.deploy.StateProblem;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.VersionInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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
 * current versions, sealed secrets and bundles live in the database ({@code V1__state.sql});
 * each host keeps unpacked bundles in its {@link BundleCache}.
 *
 * <p>A change runs in one transaction under a transaction-scoped advisory lock of its worker
 * environment, so concurrent changes through different hosts take turns and number versions
 * consecutively; the candidate is checked (loaded by the host) inside that transaction, and the
 * commit bumps the global revision and NOTIFYs {@value #CHANNEL} with it.
 */
public final class PostgresStore implements StateStore {

    /** The channel every committed change is announced on, with its revision as payload. */
    public static final String CHANNEL = "jworkers_changes";

    private static final System.Logger LOG = System.getLogger("jworkers.store");
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private static final TypeReference<TreeMap<String, Instant>> ROUTES = new TypeReference<>() { };

    private final Database database;
    private final SecretCipher cipher;
    private final BundleCache cache;
    private final ChangeListener listener;
    private final Path cacheDir;
    // Set while the host serves its snapshot because the store was unreachable at start; null once
    // the store answered (and its schema was checked).
    private volatile Snapshot offline;

    private PostgresStore(Database database, SecretCipher cipher, BundleCache cache, Path cacheDir, Snapshot offline) {
        this.database = database;
        this.cipher = cipher;
        this.cache = cache;
        this.cacheDir = cacheDir;
        this.listener = new ChangeListener(database);
        this.offline = offline;
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
        try {
            migrate(database);
            return new PostgresStore(database, cipher, cache, cacheDir, null);
        } catch (StoreUnreachableException e) {
            Snapshot snapshot = Snapshot.read(cacheDir).orElse(new Snapshot(-1, List.of()));
            if (snapshot.revision() >= 0) {
                LOG.log(Level.WARNING, e.getMessage() + "; serving the snapshot of revision " + snapshot.revision()
                        + " in " + cacheDir + " until the store can be reached");
            }
            return new PostgresStore(database, cipher, cache, cacheDir, snapshot);
        }
    }

    private static void migrate(Database database) {
        try (Connection connection = database.connect()) {
            Migrations.migrate(connection);
        } catch (SQLException e) {
            if (Database.connectionLost(e)) {
                throw new StoreUnreachableException("state store unreachable: " + database.url().display() + ": "
                        + e.getMessage(), e);
            }
            throw new DeploymentException("The store's schema at " + database.url().display() + " cannot be prepared: "
                    + e.getMessage(), e);
        }
    }

    // While offline: whether the store answers now (then the schema is checked and the snapshot dropped).
    private Snapshot stillOffline() {
        Snapshot snapshot = offline;
        if (snapshot == null) {
            return null;
        }
        try {
            migrate(database);
            offline = null;
            LOG.log(Level.INFO, "the state store " + database.url().display() + " is reachable: leaving the snapshot");
            return null;
        } catch (StoreUnreachableException e) {
            if (snapshot.revision() < 0) {
                throw e;
            }
            return snapshot;
        }
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
        Snapshot snapshot = stillOffline();
        if (snapshot != null) {
            return snapshot.entries().stream().map(Snapshot.Entry::worker).distinct().sorted().toList();
        }
        return read("listing workers", connection -> strings(connection,
                "select distinct worker from jw_environments order by worker"));
    }

    @Override
    public List<String> environments(String worker) {
        checkWorker(worker);
        Snapshot snapshot = offline;
        if (snapshot != null) {
            return snapshot.entries().stream().filter(e -> e.worker().equals(worker)).map(Snapshot.Entry::environment)
                    .sorted().toList();
        }
        return read("listing environments", connection -> strings(connection,
                "select environment from jw_environments where worker = ? order by environment", worker));
    }

    @Override
    public List<VersionInfo> versions(String worker, String environment) {
        checkNames(worker, environment);
        return read("listing versions", connection -> {
            List<VersionInfo> versions = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("select number, created_at, message, sha256, routes_taken"
                    + " from jw_versions where worker = ? and environment = ? order by number")) {
                query.setString(1, worker);
                query.setString(2, environment);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        versions.add(info(rows));
                    }
                }
            }
            return versions;
        });
    }

    @Override
    public Optional<Deployment> current(String worker, String environment) {
        checkNames(worker, environment);
        Snapshot snapshot = offline;
        if (snapshot != null) {
            return snapshot.entry(worker, environment).map(e -> deployment(worker, environment,
                    new StoredVersion(e.info(), e.sealedSecrets())));
        }
        Optional<Integer> number = currentNumber(worker, environment);
        return number.isEmpty() ? Optional.empty() : deploymentOf(worker, environment, number.get(), true);
    }

    @Override
    public Optional<Integer> currentNumber(String worker, String environment) {
        checkNames(worker, environment);
        Snapshot snapshot = offline;
        if (snapshot != null) {
            return snapshot.entry(worker, environment).map(e -> e.info().number());
        }
        return read("reading the current version", connection -> environmentRow(connection, worker, environment, false)
                .map(row -> row.current));
    }

    @Override
    public Optional<Deployment> deployment(String worker, String environment, int number) {
        checkNames(worker, environment);
        return deploymentOf(worker, environment, number, false);
    }

    private Optional<Deployment> deploymentOf(String worker, String environment, int number, boolean current) {
        Optional<StoredVersion> stored = read("reading a version", connection -> version(connection, worker, environment, number));
        if (stored.isEmpty()) {
            if (current) {
                throw new DamagedStateException("The current version " + number + " of \"" + worker + "\" in " + environment
                        + " is not in the store. Deploy again, or roll back to another version.");
            }
            return Optional.empty();
        }
        return Optional.of(deployment(worker, environment, stored.get()));
    }

    private Deployment deployment(String worker, String environment, StoredVersion stored) {
        String which = "version " + stored.info.number() + " of \"" + worker + "\" in " + environment;
        Path folder;
        try {
            folder = cache.fetch(stored.info.sha256(), zip -> read("fetching a bundle", connection -> {
                try {
                    return BundleBlobs.copyTo(connection, stored.info.sha256(), zip);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
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
        Map<String, String> secrets = SecretSets.fromJson(cipher.open(stored.sealedSecrets, place(worker, environment,
                stored.info.number())), which);
        return new Deployment(stored.info, folder, config, Secrets.of(secrets));
    }

    @Override
    public Set<String> pendingSecretNames(String worker, String environment) {
        checkNames(worker, environment);
        return read("reading pending secrets", connection -> new TreeSet<>(pending(connection, worker, environment).keySet()));
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
        Snapshot snapshot = stillOffline();
        return snapshot != null ? snapshot.revision() : read("reading the revision", PostgresStore::revision);
    }

    @Override
    public void remember(long revision, List<io.jworkers.runtime.deploy.Served> served) {
        if (offline != null) {
            return; // what it serves came from the snapshot: nothing new to keep
        }
        List<Snapshot.Entry> entries = served.stream().map(s -> new Snapshot.Entry(s.worker(), s.environment(),
                s.deployment().info(), cipher.seal(SecretSets.toJson(s.deployment().secrets().asMap()),
                        place(s.worker(), s.environment(), s.deployment().info().number())))).toList();
        try {
            new Snapshot(revision, entries).write(cacheDir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "the snapshot of revision " + revision + " was not written to " + cacheDir + ": " + e);
        }
    }

    @Override
    public void awaitChange(java.time.Duration timeout) {
        listener.await(timeout);
    }

    @Override
    public void recordHost(io.jworkers.runtime.deploy.HostRecord host) {
        write("recording this host", connection -> {
            HostRegistry.record(connection, host);
            return null;
        });
    }

    @Override
    public List<io.jworkers.runtime.deploy.HostRecord> hosts() {
        return read("listing hosts", HostRegistry::list);
    }

    // ------------------------------------------------------------------ changes

    @Override
    public UnpackedBundle stage(Path zip, BundleLimits limits) {
        return BundleArchive.extract(zip, cache.scratch().resolve("unpack-" + UUID.randomUUID()), limits);
    }

    @Override
    public void discard(UnpackedBundle staged) {
        try {
            BundleCache.deleteTree(staged.folder());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + staged.folder() + ": " + e);
        }
    }

    @Override
    public VersionInfo addVersion(String worker, String environment, NewVersion draft, Consumer<Deployment> check) {
        try {
            checkNames(worker, environment);
            for (Map.Entry<String, String> change : draft.secretChanges().entrySet()) {
                if (change.getValue() != null) {
                    SecretSets.check(change.getKey(), change.getValue());
                }
            }
            String sha256 = draft.bundleHash();
            if (draft.staged() != null) {
                storeBundle(draft.staged());
            }
            return write("storing a version of \"" + worker + "\" in " + environment, connection -> {
                lock(connection, worker, environment);
                Optional<EnvironmentRow> row = environmentRow(connection, worker, environment, true);
                if (!BundleBlobs.exists(connection, sha256)) {
                    throw new DamagedStateException("The bundle " + sha256 + " is not in the store; deploy the worker again");
                }
                int number = row.map(r -> r.latest).orElse(0) + 1;
                Map<String, String> secrets = new TreeMap<>(baseSecrets(connection, worker, environment, row));
                draft.secretChanges().forEach((name, value) -> {
                    if (value == null) {
                        secrets.remove(name);
                    } else {
                        secrets.put(name, value);
                    }
                });
                SecretSets.checkCount(secrets);
                // PostgreSQL keeps microseconds: the record returned equals the one read back.
                VersionInfo info = new VersionInfo(number, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                        draft.message(), sha256, draft.routesTaken());
                if (row.isEmpty()) {
                    try (PreparedStatement insert = connection.prepareStatement("insert into jw_environments (worker,"
                            + " environment, current_version, latest_version, revision) values (?, ?, null, 0, 0)")) {
                        insert.setString(1, worker);
                        insert.setString(2, environment);
                        insert.executeUpdate();
                    }
                }
                byte[] sealed = cipher.seal(SecretSets.toJson(secrets), place(worker, environment, number));
                try (PreparedStatement insert = connection.prepareStatement("insert into jw_versions (worker, environment,"
                        + " number, created_at, message, sha256, routes_taken, secrets) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
                    insert.setString(1, worker);
                    insert.setString(2, environment);
                    insert.setInt(3, number);
                    insert.setTimestamp(4, Timestamp.from(info.createdAt()));
                    insert.setString(5, info.message() == null ? "" : info.message());
                    insert.setString(6, sha256);
                    insert.setString(7, routesJson(info.routesTaken()));
                    insert.setBytes(8, sealed);
                    insert.executeUpdate();
                }
                TestPause.at("staged", number);
                check.accept(deployment(worker, environment, new StoredVersion(info, sealed)));
                TestPause.at("loaded", number);
                long revision = bump(connection, worker, environment, "deploy", number);
                try (PreparedStatement update = connection.prepareStatement("update jw_environments set current_version = ?,"
                        + " latest_version = ?, revision = ? where worker = ? and environment = ?")) {
                    update.setInt(1, number);
                    update.setInt(2, number);
                    update.setLong(3, revision);
                    update.setString(4, worker);
                    update.setString(5, environment);
                    update.executeUpdate();
                }
                try (PreparedStatement delete = connection.prepareStatement(
                        "delete from jw_pending_secrets where worker = ? and environment = ?")) {
                    delete.setString(1, worker);
                    delete.setString(2, environment);
                    delete.executeUpdate();
                }
                return info;
            });
        } finally {
            if (draft.staged() != null) {
                discard(draft.staged());
            }
        }
    }

    // The bundle goes to the store in a transaction of its own before the version's: a long
    // upload holds no lock of the worker environment, and a refused version leaves a bundle that
    // collectUnusedBundles deletes later.
    private void storeBundle(UnpackedBundle staged) {
        Path zip = cache.scratch().resolve("upload-" + UUID.randomUUID() + ".zip");
        try {
            boolean stored = putBundle(staged.sha256(), staged.folder(), zip);
            if (!cache.has(staged.sha256())) {
                Path copy = cache.scratch().resolve("adopt-" + UUID.randomUUID());
                copyTree(staged.folder(), copy);
                cache.adopt(new UnpackedBundle(copy, staged.configJson(), staged.sha256(), staged.entries(), staged.bytes()));
            }
            LOG.log(Level.DEBUG, "bundle " + staged.sha256() + (stored ? " stored" : " was in the store already"));
        } catch (IOException e) {
            throw new DeploymentException("Storing the bundle " + staged.sha256() + " failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(zip);
            } catch (IOException ignored) {
                // The scratch folder is emptied at the next start.
            }
        }
    }

    // Stores an unpacked bundle's folder as a zip under its hash, in a transaction of its own,
    // unless the store has that hash already.
    private boolean putBundle(String sha256, Path folder, Path zip) {
        return write("storing a bundle", connection -> {
            if (BundleBlobs.exists(connection, sha256)) {
                return false;
            }
            try {
                FolderZip.write(folder, zip);
                return BundleBlobs.put(connection, sha256, zip);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The worker environments among {@code imports} that the store has already, with versions or
     * with secrets set before a first deploy.
     *
     * @param imports the environments
     * @return those the store holds, in the order given
     * @throws StoreUnreachableException if the store cannot be reached
     */
    public List<EnvironmentImport> alreadyHeld(List<EnvironmentImport> imports) {
        return read("checking which worker environments the store has", connection -> held(connection, imports));
    }

    /**
     * Copies worker environments into the store as they are (a single host's state folder moving
     * to a shared store): every version with its number, time (to the microsecond, as the store
     * keeps it), message, routes taken, bundle and its own secrets (sealed), which version is
     * current, and the secrets set before a first deploy. Nothing is loaded or checked by running
     * it, and the store's own rules for new versions (numbering, the secrets a version starts
     * from) do not apply: this is a copy.
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
     *     inconsistent (versions out of order, a current version it does not have); none of them is
     *     stored then
     * @throws StoreUnreachableException if the store cannot be reached or fails midway; none of them is stored then
     */
    public long importEnvironments(List<EnvironmentImport> imports) {
        List<EnvironmentImport> sorted = new ArrayList<>(imports);
        sorted.sort(java.util.Comparator.comparing(EnvironmentImport::worker).thenComparing(EnvironmentImport::environment));
        Set<String> seen = new HashSet<>();
        Map<String, Path> bundles = new TreeMap<>();
        for (EnvironmentImport environment : sorted) {
            checkImport(environment);
            if (!seen.add(environment.worker() + "/" + environment.environment())) {
                throw new DeploymentException(environment.label() + " is imported twice");
            }
            environment.versions().forEach(version -> bundles.putIfAbsent(version.info().sha256(), version.bundleDir()));
        }
        refuseHeld(read("checking which worker environments the store has", connection -> {
            checkKey(connection);
            return held(connection, sorted);
        }));
        for (Map.Entry<String, Path> bundle : bundles.entrySet()) {
            Path zip = cache.scratch().resolve("import-" + UUID.randomUUID() + ".zip");
            try {
                putBundle(bundle.getKey(), bundle.getValue(), zip);
            } catch (UncheckedIOException e) {
                throw new DeploymentException("Storing the bundle " + bundle.getKey() + " from " + bundle.getValue() + " failed: "
                        + e.getCause().getMessage(), e);
            } finally {
                try {
                    Files.deleteIfExists(zip);
                } catch (IOException ignored) {
                    // The scratch folder is emptied at the next start.
                }
            }
        }
        return write("importing " + sorted.size() + " worker environments", connection -> {
            for (EnvironmentImport environment : sorted) {
                lock(connection, environment.worker(), environment.environment());
            }
            // Again under the locks: a host may have deployed one of them since the first check.
            refuseHeld(held(connection, sorted));
            long revision = revision(connection);
            for (EnvironmentImport environment : sorted) {
                revision = importEnvironment(connection, environment);
            }
            return revision;
        });
    }

    private long importEnvironment(Connection connection, EnvironmentImport imported) throws SQLException {
        String worker = imported.worker();
        String environment = imported.environment();
        long revision = bump(connection, worker, environment, "migrate", imported.current());
        if (!imported.versions().isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement("insert into jw_environments (worker, environment,"
                    + " current_version, latest_version, revision) values (?, ?, ?, ?, ?)")) {
                insert.setString(1, worker);
                insert.setString(2, environment);
                if (imported.current() == null) {
                    insert.setNull(3, java.sql.Types.INTEGER);
                } else {
                    insert.setInt(3, imported.current());
                }
                insert.setInt(4, imported.versions().getLast().info().number());
                insert.setLong(5, revision);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into jw_versions (worker, environment,"
                    + " number, created_at, message, sha256, routes_taken, secrets) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
                for (Deployment version : imported.versions()) {
                    VersionInfo info = version.info();
                    Map<String, String> secrets = new TreeMap<>();
                    for (String name : version.secrets().names()) {
                        secrets.put(name, version.secrets().get(name).orElseThrow());
                    }
                    insert.setString(1, worker);
                    insert.setString(2, environment);
                    insert.setInt(3, info.number());
                    insert.setTimestamp(4, Timestamp.from(info.createdAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
                    insert.setString(5, info.message() == null ? "" : info.message());
                    insert.setString(6, info.sha256());
                    insert.setString(7, routesJson(info.routesTaken()));
                    insert.setBytes(8, cipher.seal(SecretSets.toJson(secrets), place(worker, environment, info.number())));
                    insert.executeUpdate();
                }
            }
        }
        if (!imported.pendingSecrets().isEmpty()) {
            writePending(connection, worker, environment, imported.pendingSecrets());
        }
        return revision;
    }

    private static void checkImport(EnvironmentImport imported) {
        checkNames(imported.worker(), imported.environment());
        if (imported.versions().isEmpty() && imported.pendingSecrets().isEmpty()) {
            throw new DeploymentException(imported.label() + " has neither versions nor secrets to import");
        }
        int previous = 0;
        boolean hasCurrent = false;
        for (Deployment version : imported.versions()) {
            int number = version.info().number();
            if (number <= previous) {
                throw new DeploymentException("The versions of " + imported.label() + " are not in ascending order ("
                        + number + " after " + previous + ")");
            }
            previous = number;
            hasCurrent |= imported.current() != null && number == imported.current();
        }
        if (imported.current() != null && !hasCurrent) {
            throw new DeploymentException("The current version " + imported.current() + " of " + imported.label()
                    + " is not among its versions");
        }
    }

    // Those with a row of versions, or secrets set for a first deploy (a row whose set is empty,
    // after the last one was deleted, holds nothing).
    private List<EnvironmentImport> held(Connection connection, List<EnvironmentImport> imports) throws SQLException {
        List<EnvironmentImport> held = new ArrayList<>();
        for (EnvironmentImport environment : imports) {
            if (environmentRow(connection, environment.worker(), environment.environment(), false).isPresent()
                    || !pending(connection, environment.worker(), environment.environment()).isEmpty()) {
                held.add(environment);
            }
        }
        return held;
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
        read("checking the secret key", connection -> {
            checkKey(connection);
            return null;
        });
    }

    private void checkKey(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("(select worker || '/' || environment || '/' || number,"
                + " secrets from jw_versions limit 1) union all (select worker || '/' || environment || '/pending', secrets"
                + " from jw_pending_secrets limit 1) limit 1");
                ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                return;
            }
            String place = rows.getString(1);
            try {
                cipher.open(rows.getBytes(2), place);
            } catch (DamagedStateException e) {
                throw new DeploymentException("The secret key given does not open the secrets in the store (those of " + place
                        + "): every host of a store, and whatever writes into it, needs the same key (--secret-key-file or "
                        + SecretCipher.KEY_VARIABLE + ")");
            }
        }
    }

    private static void refuseHeld(List<EnvironmentImport> held) {
        if (!held.isEmpty()) {
            throw new DeploymentException("The store has " + String.join(", ", held.stream().map(EnvironmentImport::label)
                    .toList()) + " already; an import never replaces what a store holds");
        }
    }

    @Override
    public VersionInfo makeCurrent(String worker, String environment, int number, Consumer<Deployment> check) {
        checkNames(worker, environment);
        return write("rolling back \"" + worker + "\" in " + environment, connection -> {
            lock(connection, worker, environment);
            if (environmentRow(connection, worker, environment, true).isEmpty()) {
                throw new DeploymentException("Worker \"" + worker + "\" has no deployments in environment \"" + environment + "\"");
            }
            StoredVersion stored = version(connection, worker, environment, number).orElseThrow(() -> new DeploymentException(
                    "Worker \"" + worker + "\" has no version " + number + " in " + environment));
            check.accept(deployment(worker, environment, stored));
            long revision = bump(connection, worker, environment, "rollback", number);
            try (PreparedStatement update = connection.prepareStatement("update jw_environments set current_version = ?,"
                    + " revision = ? where worker = ? and environment = ?")) {
                update.setInt(1, number);
                update.setLong(2, revision);
                update.setString(3, worker);
                update.setString(4, environment);
                update.executeUpdate();
            }
            return stored.info;
        });
    }

    @Override
    public void delete(String worker, String environment) {
        checkNames(worker, environment);
        write("deleting \"" + worker + "\" in " + environment, connection -> {
            lock(connection, worker, environment);
            int deleted;
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from jw_environments where worker = ? and environment = ?")) {
                delete.setString(1, worker);
                delete.setString(2, environment);
                deleted = delete.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from jw_pending_secrets where worker = ? and environment = ?")) {
                delete.setString(1, worker);
                delete.setString(2, environment);
                delete.executeUpdate();
            }
            if (deleted > 0) {
                bump(connection, worker, environment, "delete", null);
            }
            return null;
        });
    }

    @Override
    public void putPendingSecret(String worker, String environment, String name, String value) {
        checkNames(worker, environment);
        SecretSets.check(name, value);
        write("setting a secret", connection -> {
            lock(connection, worker, environment);
            Map<String, String> secrets = new TreeMap<>(pending(connection, worker, environment));
            secrets.put(name, value);
            SecretSets.checkCount(secrets);
            writePending(connection, worker, environment, secrets);
            return null;
        });
    }

    @Override
    public boolean deletePendingSecret(String worker, String environment, String name) {
        checkNames(worker, environment);
        return write("deleting a secret", connection -> {
            lock(connection, worker, environment);
            Map<String, String> secrets = new TreeMap<>(pending(connection, worker, environment));
            if (secrets.remove(name) == null) {
                return false;
            }
            writePending(connection, worker, environment, secrets);
            return true;
        });
    }

    @Override
    public void collectUnusedBundles() {
        try {
            write("deleting unused bundles", BundleBlobs::deleteUnused);
            Set<String> used = new HashSet<>(read("listing bundles", connection -> strings(connection,
                    "select distinct sha256 from jw_versions")));
            cache.retainOnly(used);
        } catch (IOException | DeploymentException e) {
            LOG.log(Level.WARNING, "unused bundles were not deleted: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        listener.close();
        database.close();
    }

    // ------------------------------------------------------------------ rows

    private record EnvironmentRow(Integer current, int latest) {
    }

    private record StoredVersion(VersionInfo info, byte[] sealedSecrets) {
    }

    private static Optional<EnvironmentRow> environmentRow(Connection connection, String worker, String environment,
            boolean forUpdate) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select current_version, latest_version from"
                + " jw_environments where worker = ? and environment = ?" + (forUpdate ? " for update" : ""))) {
            query.setString(1, worker);
            query.setString(2, environment);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                int current = rows.getInt(1);
                return Optional.of(new EnvironmentRow(rows.wasNull() ? null : current, rows.getInt(2)));
            }
        }
    }

    private static Optional<StoredVersion> version(Connection connection, String worker, String environment, int number)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select number, created_at, message, sha256, routes_taken,"
                + " secrets from jw_versions where worker = ? and environment = ? and number = ?")) {
            query.setString(1, worker);
            query.setString(2, environment);
            query.setInt(3, number);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new StoredVersion(info(rows), rows.getBytes(6))) : Optional.empty();
            }
        }
    }

    private static VersionInfo info(ResultSet rows) throws SQLException {
        try {
            return new VersionInfo(rows.getInt(1), rows.getTimestamp(2).toInstant(), rows.getString(3), rows.getString(4),
                    JSON.readValue(rows.getString(5), ROUTES));
        } catch (IOException e) {
            throw new DamagedStateException("The routes taken by version " + rows.getInt(1) + " are not JSON in the store");
        }
    }

    // The secrets a new version starts from: the current version's, else those set before the first deploy.
    private Map<String, String> baseSecrets(Connection connection, String worker, String environment,
            Optional<EnvironmentRow> row) throws SQLException {
        if (row.isPresent() && row.get().current != null) {
            int current = row.get().current;
            Optional<StoredVersion> stored = version(connection, worker, environment, current);
            if (stored.isPresent()) {
                try {
                    return SecretSets.fromJson(cipher.open(stored.get().sealedSecrets, place(worker, environment, current)),
                            "version " + current);
                } catch (DamagedStateException e) {
                    LOG.log(Level.WARNING, "[" + worker + "] " + e.getMessage() + "; the new version starts with no secrets"
                            + " but those it is given");
                    return Map.of();
                }
            }
        }
        return pending(connection, worker, environment);
    }

    private Map<String, String> pending(Connection connection, String worker, String environment) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "select secrets from jw_pending_secrets where worker = ? and environment = ?")) {
            query.setString(1, worker);
            query.setString(2, environment);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Map.of();
                }
                String place = worker + "/" + environment + "/pending";
                return SecretSets.fromJson(cipher.open(rows.getBytes(1), place), "the pending secrets of \"" + worker + "\"");
            }
        }
    }

    private void writePending(Connection connection, String worker, String environment, Map<String, String> secrets)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("insert into jw_pending_secrets (worker, environment,"
                + " secrets) values (?, ?, ?) on conflict (worker, environment) do update set secrets = excluded.secrets")) {
            upsert.setString(1, worker);
            upsert.setString(2, environment);
            upsert.setBytes(3, cipher.seal(SecretSets.toJson(secrets), worker + "/" + environment + "/pending"));
            upsert.executeUpdate();
        }
    }

    // One change at a time per worker environment, across every host: held until the transaction ends.
    private static void lock(Connection connection, String worker, String environment) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, worker + "/" + environment);
            lock.executeQuery().close();
        }
    }

    // Bumps the global revision (its row lock orders every commit), records the change and
    // announces it; the notification is delivered when the transaction commits.
    private static long bump(Connection connection, String worker, String environment, String kind, Integer version)
            throws SQLException {
        long revision;
        try (PreparedStatement update = connection.prepareStatement(
                "update jw_state set revision = revision + 1 where id = 1 returning revision");
                ResultSet rows = update.executeQuery()) {
            rows.next();
            revision = rows.getLong(1);
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into jw_changes (revision, worker, environment, kind, version) values (?, ?, ?, ?, ?)")) {
            insert.setLong(1, revision);
            insert.setString(2, worker);
            insert.setString(3, environment);
            insert.setString(4, kind);
            if (version == null) {
                insert.setNull(5, java.sql.Types.INTEGER);
            } else {
                insert.setInt(5, version);
            }
            insert.executeUpdate();
        }
        try (PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, Long.toString(revision));
            notify.executeQuery().close();
        }
        return revision;
    }

    static long revision(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select revision from jw_state where id = 1");
                ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<String> strings(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    private static String routesJson(Map<String, Instant> routes) {
        try {
            return JSON.writeValueAsString(routes);
        } catch (IOException e) {
            throw new IllegalStateException("Routes and instants always serialise", e);
        }
    }

    private static String place(String worker, String environment, int number) {
        return worker + "/" + environment + "/" + number;
    }

    private <T> T read(String what, Database.Work<T> work) {
        return write(what, work);
    }

    private <T> T write(String what, Database.Work<T> work) {
        try {
            return database.transaction(what, work);
        } catch (SQLException e) {
            throw new DeploymentException("The store failed while " + what + ": " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void checkWorker(String worker) {
        if (worker == null || !NameRules.WORKER_NAME.matcher(worker).matches()) {
            throw new DeploymentException("Invalid worker name \"" + worker + "\"");
        }
    }

    private static void checkNames(String worker, String environment) {
        checkWorker(worker);
        if (environment == null || !NameRules.ENVIRONMENT_NAME.matcher(environment).matches()) {
            throw new DeploymentException("Invalid environment name \"" + environment + "\"");
        }
    }
}
