package io.jworkers.runtime.deploy.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.deploy.DamagedStateException;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.NewVersion;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.deploy.Served;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.StateStoreContract;
import io.jworkers.runtime.deploy.StoreUnreachableException;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The PostgreSQL store against a real PostgreSQL server: the {@link StateStoreContract}, and what
 * only a shared store does — several hosts (stores with caches of their own) on one database,
 * concurrent deploys, sealed secrets, revisions announced with NOTIFY, migrations that do not race.
 */
class PostgresStoreTest extends StateStoreContract {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path serverDir;
    static PostgresServer server;
    private String database;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected StateStore openStore() throws Exception {
        database = "store" + DATABASES.incrementAndGet();
        server.createDatabase(database);
        return host("host-a");
    }

    @Override
    protected StateStore reopenStore() {
        return host("host-a");
    }

    private PostgresStore host(String cache) {
        return host(cache, KEY);
    }

    private PostgresStore host(String cache, String key) {
        return PostgresStore.open(url(), server.password(), SecretCipher.fromBase64(key, "test"), tmp.resolve(cache),
                BundleLimits.DEFAULT);
    }

    private StoreUrl url() {
        return StoreUrl.parse("postgresql://" + server.user() + "@127.0.0.1:" + server.port() + "/" + database);
    }

    private Connection sql() throws Exception {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", server.user());
        properties.setProperty("password", server.password());
        return new org.postgresql.Driver().connect(server.jdbcUrl(database), properties);
    }

    @Test
    void anotherHostServesWhatOneHostDeployedFetchingTheBundleIntoItsOwnCache() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of("TOKEN", "t"));
        try (PostgresStore other = host("host-b")) {
            var current = other.current("api", "production").orElseThrow();
            assertEquals(v1, current.info());
            assertTrue(current.bundleDir().startsWith(tmp.resolve("host-b")), current.bundleDir().toString());
            assertEquals("one", Files.readString(current.bundleDir().resolve("lib/app.txt")));
            assertEquals(Optional.of("t"), current.secrets().get("TOKEN"));
        }
    }

    @Test
    void aRefusedChangeOnAHostThatFetchesTheBundleDuringItsCheckLeavesNothingBehind() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of("K", "v"));
        try (PostgresStore other = host("host-b")) {
            // host-b has never fetched the bundle: the check fetches it inside the change's transaction.
            assertThrows(IllegalStateException.class, () -> other.addVersion("api", "production", new NewVersion(null,
                    v1.sha256(), "refused", Map.of("K", "w"), Map.of()), candidate -> {
                        assertEquals("one", read(candidate.bundleDir().resolve("lib/app.txt")));
                        throw new IllegalStateException("refused");
                    }));
            assertEquals(List.of(v1), other.versions("api", "production"), "the refused version was not committed");
            VersionInfo v2 = other.addVersion("api", "production", new NewVersion(null, v1.sha256(), "accepted", Map.of(),
                    Map.of()), d -> { });
            assertEquals(2, v2.number());
        }
        try (PostgresStore third = host("host-c")) {
            assertThrows(IllegalStateException.class, () -> third.makeCurrent("api", "production", 1, candidate -> {
                throw new IllegalStateException("refused");
            }));
            assertEquals(Optional.of(2), third.currentNumber("api", "production"));
            assertEquals(2, third.revision(), "a refused rollback bumps nothing");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void concurrentDeploysThroughTwoHostsGetConsecutiveNumbersAndNoneIsLost() throws Exception {
        try (PostgresStore other = host("host-b")) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<List<Integer>>> hosts = new ArrayList<>();
            for (PostgresStore each : List.of((PostgresStore) store, other)) {
                hosts.add(pool.submit(() -> {
                    List<Integer> numbers = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        var staged = each.stage(bundle("b" + i), BundleLimits.DEFAULT);
                        numbers.add(each.addVersion("api", "production", new NewVersion(staged, null, "m", Map.of("K" + i, "v"),
                                Map.of()), d -> { }).number());
                    }
                    return numbers;
                }));
            }
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> host : hosts) {
                all.addAll(host.get());
            }
            pool.shutdown();
            assertEquals(IntStream.rangeClosed(1, 20).boxed().toList(), all.stream().sorted().toList());
            assertEquals(20, store.versions("api", "production").size());
            assertEquals(Optional.of(20), other.currentNumber("api", "production"));
            assertEquals(10, store.current("api", "production").orElseThrow().secrets().names().size(),
                    "every secret change landed: no lost update");
        }
    }

    @Test
    void secretsAreSealedAtRestAndAHostWithAnotherKeyCannotOpenThem() throws Exception {
        deploy("api", "production", "one", Map.of("TOKEN", "plain-secret-value"));
        store.putPendingSecret("web", "production", "P", "pending-secret-value");
        try (Connection sql = sql(); Statement statement = sql.createStatement()) {
            for (String query : List.of("select secrets from jw_versions", "select secrets from jw_pending_secrets")) {
                try (ResultSet rows = statement.executeQuery(query)) {
                    assertTrue(rows.next());
                    String stored = new String(rows.getBytes(1), StandardCharsets.ISO_8859_1);
                    assertFalse(stored.contains("secret-value"), query + " holds a plain value");
                }
            }
        }
        String otherKey = Base64.getEncoder().encodeToString("another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII));
        try (PostgresStore wrong = host("host-b", otherKey)) {
            DamagedStateException e = assertThrows(DamagedStateException.class, () -> wrong.current("api", "production"));
            assertEquals("The secrets of api/production/1 do not open with this host's secret key: every host of a store"
                    + " needs the same key (--secret-key-file or JWORKERS_SECRET_KEY)", e.getMessage());
        }
    }

    @Test
    void everyCommittedChangeBumpsTheRevisionAndIsAnnouncedAfterItsCommit() throws Exception {
        PostgresStore postgres = (PostgresStore) store;
        assertEquals(0, postgres.revision());
        try (Connection listener = sql(); Statement statement = listener.createStatement()) {
            statement.execute("listen " + PostgresStore.CHANNEL);
            deploy("api", "production", "one", Map.of());
            deploy("api", "production", "two", Map.of());
            postgres.makeCurrent("api", "production", 1, d -> { });
            assertThrows(IllegalStateException.class, () -> postgres.makeCurrent("api", "production", 2, d -> {
                throw new IllegalStateException("refused");
            }));
            postgres.delete("api", "production");
            assertEquals(4, postgres.revision(), "a refused change bumps nothing");
            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < 50 && payloads.size() < 4; i++) {
                PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(100);
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        payloads.add(notification.getParameter());
                    }
                }
            }
            assertEquals(List.of("1", "2", "3", "4"), payloads);
            try (ResultSet rows = statement.executeQuery("select revision, kind, version from jw_changes order by revision")) {
                List<String> changes = new ArrayList<>();
                while (rows.next()) {
                    changes.add(rows.getLong(1) + " " + rows.getString(2) + " " + rows.getObject(3));
                }
                assertEquals(List.of("1 deploy 1", "2 deploy 2", "3 rollback 1", "4 delete null"), changes);
            }
        }
    }

    @Test
    void hostsStartingTogetherOnAnEmptyDatabaseApplyTheSchemaOnce() throws Exception {
        String fresh = "fresh" + DATABASES.incrementAndGet();
        server.createDatabase(fresh);
        StoreUrl freshUrl = StoreUrl.parse("postgresql://" + server.user() + "@127.0.0.1:" + server.port() + "/" + fresh);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<PostgresStore>> opens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path cache = tmp.resolve("cache" + i);
            opens.add(() -> PostgresStore.open(freshUrl, server.password(), SecretCipher.fromBase64(KEY, "test"), cache,
                    BundleLimits.DEFAULT));
        }
        for (Future<PostgresStore> opened : pool.invokeAll(opens)) {
            opened.get().close();
        }
        pool.shutdown();
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", server.user());
        properties.setProperty("password", server.password());
        try (Connection sql = new org.postgresql.Driver().connect(server.jdbcUrl(fresh), properties);
                Statement statement = sql.createStatement();
                ResultSet rows = statement.executeQuery("select version, script from jw_schema_version order by version")) {
            List<String> applied = new ArrayList<>();
            while (rows.next()) {
                applied.add(rows.getInt(1) + " " + rows.getString(2));
            }
            assertEquals(List.of("1 V1__state.sql", "2 V2__traffic_split.sql"), applied);
        }
    }

    @Test
    void anImportCopiesVersionsAsTheyAreAllOrNothingAndNeverReplacesWhatTheStoreHolds() throws Exception {
        PostgresStore postgres = (PostgresStore) store;
        var staged = store.stage(bundle("imported"), BundleLimits.DEFAULT);
        Instant at = Instant.parse("2025-01-02T03:04:05.123456789Z");
        Deployment one = new Deployment(new VersionInfo(1, at, "old", staged.sha256(), Map.of("/a", at)), staged.folder(),
                CONFIG, Secrets.of(Map.of("K", "v1")));
        Deployment two = new Deployment(new VersionInfo(2, at.plusSeconds(60), null, staged.sha256(), Map.of()),
                staged.folder(), CONFIG, Secrets.of(Map.of("K", "v2", "L", "l")));
        EnvironmentImport api = new EnvironmentImport("api", "production", List.of(one, two), TrafficSplit.single(1), Map.of());
        EnvironmentImport web = new EnvironmentImport("web", "staging", List.of(), null, Map.of("P", "p"));

        store.putPendingSecret("web", "staging", "P", "the store's own");
        DeploymentException held = assertThrows(DeploymentException.class, () -> postgres.importEnvironments(List.of(api, web)));
        assertEquals("The store has web (staging) already; an import never replaces what a store holds", held.getMessage());
        assertEquals(List.of(), store.workers(), "none of them: api was not imported either");
        assertEquals(0, postgres.revision());
        assertEquals(List.of(web), postgres.alreadyHeld(List.of(api, web)));
        DeploymentException order = assertThrows(DeploymentException.class, () -> postgres.importEnvironments(List.of(
                new EnvironmentImport("api", "production", List.of(two, one), TrafficSplit.single(2), Map.of()))));
        assertEquals("The versions of api (production) are not in ascending order (1 after 2)", order.getMessage());
        DeploymentException current = assertThrows(DeploymentException.class, () -> postgres.importEnvironments(List.of(
                new EnvironmentImport("api", "production", List.of(one), TrafficSplit.single(2), Map.of()))));
        assertEquals("The current version 2 of api (production) is not among its versions", current.getMessage());
        try (Connection sql = sql(); Statement statement = sql.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from jw_bundles")) {
            rows.next();
            assertEquals(0, rows.getInt(1), "refused before any bundle was stored");
        }

        assertTrue(store.deletePendingSecret("web", "staging", "P"));
        assertEquals(List.of(), postgres.alreadyHeld(List.of(api, web)), "an emptied set of pending secrets holds nothing");
        assertEquals(2, postgres.importEnvironments(List.of(web, api)));
        Instant micros = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        assertEquals(List.of(new VersionInfo(1, micros, "old", staged.sha256(), Map.of("/a", at)),
                new VersionInfo(2, micros.plusSeconds(60), "", staged.sha256(), Map.of())), store.versions("api", "production"));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"), "the current version, not the latest");
        try (PostgresStore other = host("host-b")) {
            assertEquals(Optional.of("v1"), other.current("api", "production").orElseThrow().secrets().get("K"));
            assertEquals(java.util.Set.of("K", "L"), other.deployment("api", "production", 2).orElseThrow().secrets().names());
            assertEquals("imported", Files.readString(other.deployment("api", "production", 2).orElseThrow().bundleDir()
                    .resolve("lib/app.txt")));
        }
        assertEquals(java.util.Set.of("P"), store.pendingSecretNames("web", "staging"));
        assertEquals(List.of("api"), store.workers(), "web was never deployed");
        DeploymentException again = assertThrows(DeploymentException.class, () -> postgres.importEnvironments(List.of(api)));
        assertEquals("The store has api (production) already; an import never replaces what a store holds", again.getMessage());

        String otherKey = Base64.getEncoder().encodeToString("another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII));
        try (PostgresStore wrong = host("host-c", otherKey)) {
            DeploymentException key = assertThrows(DeploymentException.class, wrong::checkSecretKey);
            assertEquals("The secret key given does not open the secrets in the store (those of api/production/1): every host"
                    + " of a store, and whatever writes into it, needs the same key (--secret-key-file or JWORKERS_SECRET_KEY)",
                    key.getMessage());
        }
        postgres.checkSecretKey();
    }

    @Test
    void uploadsDeploysAndRollbacksBumpTheRevisionAndAreRecordedAsChangesWithTheSplitInItsRow() throws Exception {
        PostgresStore postgres = (PostgresStore) store;
        deploy("api", "production", "one", Map.of());
        upload("api", "production", "two", Map.of());
        assertEquals(2, postgres.revision(), "an upload is a change");
        postgres.deploy("api", "production", split(2, 10, 1, 90, "canary"), d -> { });
        assertEquals(3, postgres.revision());
        assertEquals(List.of("1 [{\"percent\": 10, \"version\": 2}, {\"percent\": 90, \"version\": 1}] canary 2"),
                environmentRows());
        try (PostgresStore other = host("host-b")) {
            assertEquals(Optional.of(split(2, 10, 1, 90, "canary")), other.split("api", "production"));
            assertEquals(Optional.of("two"), Optional.of(read(other.deployment("api", "production", 2).orElseThrow()
                    .bundleDir().resolve("lib/app.txt"))));
        }
        assertThrows(IllegalStateException.class, () -> postgres.deploy("api", "production", split(2, 50, 1, 50, null), d -> {
            throw new IllegalStateException("refused");
        }));
        postgres.makeCurrent("api", "production", 2, d -> { });
        assertEquals(4, postgres.revision(), "a refused deploy bumps nothing");
        assertEquals(List.of("2 null null 2"), environmentRows(), "a rollback ends the split");
        deploy("api", "production", "three", Map.of());
        postgres.deploy("api", "production", split(3, 0, 2, 100, null), d -> { });
        assertEquals(List.of("2 [{\"percent\": 0, \"version\": 3}, {\"percent\": 100, \"version\": 2}] null 3"),
                environmentRows());
        postgres.delete("api", "production");
        assertEquals(List.of(), environmentRows());
        assertEquals(List.of("1 deploy 1", "2 upload 2", "3 deploy 1", "4 rollback 2", "5 deploy 3", "6 deploy 2",
                "7 delete null"), changes());
    }

    // Each row of jw_environments: current_version split split_message latest_version.
    private List<String> environmentRows() throws Exception {
        try (Connection sql = sql(); Statement statement = sql.createStatement();
                ResultSet rows = statement.executeQuery("select current_version, split::text, split_message, latest_version"
                        + " from jw_environments order by worker, environment")) {
            List<String> found = new ArrayList<>();
            while (rows.next()) {
                found.add(rows.getObject(1) + " " + rows.getString(2) + " " + rows.getString(3) + " " + rows.getInt(4));
            }
            return found;
        }
    }

    private List<String> changes() throws Exception {
        try (Connection sql = sql(); Statement statement = sql.createStatement();
                ResultSet rows = statement.executeQuery("select revision, kind, version from jw_changes order by revision")) {
            List<String> found = new ArrayList<>();
            while (rows.next()) {
                found.add(rows.getLong(1) + " " + rows.getString(2) + " " + rows.getObject(3));
            }
            return found;
        }
    }

    @Test
    void aHostStartingWhileTheStoreIsUnreachableServesTheSplitItRemembered() throws Exception {
        PostgresStore postgres = (PostgresStore) store;
        deploy("api", "production", "one", Map.of("K", "one"));
        upload("api", "production", "two", Map.of("K", "two"));
        deploy("web", "production", "web", Map.of("W", "w"));
        TrafficSplit canary = postgres.deploy("api", "production", split(2, 10, 1, 90, "canary"), d -> { });
        Deployment one = postgres.deployment("api", "production", 1).orElseThrow();
        Deployment two = postgres.deployment("api", "production", 2).orElseThrow();
        Deployment web = postgres.current("web", "production").orElseThrow();
        postgres.remember(postgres.revision(), List.of(new Served("api", "production", canary, List.of(two, one)),
                new Served("web", "production", web)));

        StoreUrl nowhere = StoreUrl.parse("postgresql://u@127.0.0.1:1/none");
        try (PostgresStore offline = PostgresStore.open(nowhere, null, SecretCipher.fromBase64(KEY, "test"),
                tmp.resolve("host-a"), BundleLimits.DEFAULT)) {
            assertEquals(4, offline.revision());
            assertEquals(List.of("api", "web"), offline.workers());
            assertEquals(Optional.of(split(2, 10, 1, 90, "canary")), offline.split("api", "production"));
            assertEquals(Optional.of(1), offline.currentNumber("api", "production"));
            Deployment primary = offline.current("api", "production").orElseThrow();
            assertEquals(one.info(), primary.info());
            assertEquals(Map.of("K", "one"), primary.secrets().asMap());
            Deployment newer = offline.deployment("api", "production", 2).orElseThrow();
            assertEquals(two.info(), newer.info());
            assertEquals(Map.of("K", "two"), newer.secrets().asMap());
            assertEquals("two", read(newer.bundleDir().resolve("lib/app.txt")));
            assertEquals(Optional.of(TrafficSplit.single(1)), offline.split("web", "production"));
            assertEquals(Map.of("W", "w"), offline.current("web", "production").orElseThrow().secrets().asMap());
            assertThrows(StoreUnreachableException.class, () -> offline.deployment("web", "production", 7),
                    "a version the snapshot does not hold needs the store");
        }
    }

    @Test
    void theVersionsServedMustBeThoseOfTheSplitInItsOrder() throws Exception {
        deploy("api", "production", "one", Map.of());
        upload("api", "production", "two", Map.of());
        Deployment one = store.deployment("api", "production", 1).orElseThrow();
        Deployment two = store.deployment("api", "production", 2).orElseThrow();
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> new Served("api", "production",
                split(2, 10, 1, 90, null), List.of(one, two)));
        assertEquals("the versions served [1, 2] are not those of 2@10 1@90", wrong.getMessage());
        assertEquals(two, new Served("api", "production", split(2, 60, 1, 40, null), List.of(two, one)).deployment(),
                "the deployment served is the primary's");
    }

    @Test
    void anImportCarriesASplitAndVersionsThatWereOnlyUploaded() throws Exception {
        PostgresStore postgres = (PostgresStore) store;
        var staged = store.stage(bundle("imported"), BundleLimits.DEFAULT);
        Instant at = Instant.parse("2025-01-02T03:04:05.123456Z");
        Deployment one = new Deployment(new VersionInfo(1, at, "one", staged.sha256(), Map.of()), staged.folder(), CONFIG,
                Secrets.of(Map.of("K", "v1")));
        Deployment two = new Deployment(new VersionInfo(2, at.plusSeconds(60), "two", staged.sha256(), Map.of()),
                staged.folder(), CONFIG, Secrets.of(Map.of("K", "v2")));
        DeploymentException outside = assertThrows(DeploymentException.class, () -> postgres.importEnvironments(List.of(
                new EnvironmentImport("api", "production", List.of(one), split(2, 10, 1, 90, null), Map.of()))));
        assertEquals("Version 2 of the split 2@10 1@90 of api (production) is not among its versions", outside.getMessage());
        EnvironmentImport api = new EnvironmentImport("api", "production", List.of(one, two), split(2, 10, 1, 90, "canary"),
                Map.of());
        EnvironmentImport web = new EnvironmentImport("web", "staging", List.of(one), null, Map.of("P", "p"));
        assertEquals(2, postgres.importEnvironments(List.of(api, web)));
        assertEquals(Optional.of(split(2, 10, 1, 90, "canary")), store.split("api", "production"));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals(Optional.empty(), store.split("web", "staging"));
        assertEquals(Optional.empty(), store.currentNumber("web", "staging"));
        assertEquals(List.of(one.info()), store.versions("web", "staging"));
        assertEquals(java.util.Set.of("P"), store.pendingSecretNames("web", "staging"));
        assertEquals(List.of("1 migrate 1", "2 migrate null"), changes());
        assertEquals("api (production): 2 versions, current 1 (split 2@10 1@90)", FolderMigration.describe(api));
        assertEquals("web (staging): 1 version, none current, 1 secret set for the first deploy (P)",
                FolderMigration.describe(web));
    }

    @Test
    void aBundleOfManyChunksStreamsThroughTheStoreIntact() throws Exception {
        byte[] big = new byte[5 * BundleBlobs.CHUNK_BYTES / 2];
        new java.util.Random(7).nextBytes(big);
        Path zip = tmp.resolve("big.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("worker.json"));
            out.write(CONFIG.getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("lib/big.bin"));
            out.write(big);
        }
        var staged = store.stage(zip, BundleLimits.DEFAULT);
        store.addVersion("api", "production", new NewVersion(staged, null, "big", Map.of(), Map.of()), d -> { });
        try (PostgresStore other = host("host-b")) {
            assertArrayEquals(big, Files.readAllBytes(other.current("api", "production").orElseThrow().bundleDir()
                    .resolve("lib/big.bin")));
        }
    }

    @Test
    void withoutASecretKeyTheStoreDoesNotOpenAndAPasswordInTheUrlIsRefused() {
        DeploymentException noKey = assertThrows(DeploymentException.class, () -> PostgresStore.open(url(), server.password(),
                null, tmp.resolve("c"), BundleLimits.DEFAULT));
        assertEquals("A PostgreSQL store needs a secret key to seal secrets: give --secret-key-file FILE or JWORKERS_SECRET_KEY"
                + " (32 random bytes, base64: openssl rand -base64 32), the same on every host", noKey.getMessage());
        DeploymentException password = assertThrows(DeploymentException.class,
                () -> StoreUrl.parse("postgresql://u:pw@127.0.0.1:5432/db"));
        assertTrue(password.getMessage().startsWith("--store must not hold a password"), password.getMessage());
        assertEquals("jdbc:postgresql://db.example:5432/jw", StoreUrl.parse("postgresql://u@db.example/jw").jdbcUrl());
    }

    @Test
    void anUnreachableDatabaseWithoutASnapshotOpensButAnswersNothingSayingWhy() {
        StoreUrl nowhere = StoreUrl.parse("postgresql://u@127.0.0.1:1/none");
        try (PostgresStore offline = PostgresStore.open(nowhere, null, SecretCipher.fromBase64(KEY, "test"), tmp.resolve("c"),
                BundleLimits.DEFAULT)) {
            StoreUnreachableException e = assertThrows(StoreUnreachableException.class, offline::revision);
            assertTrue(e.getMessage().startsWith("state store unreachable: postgresql://u@127.0.0.1:1/none: "), e.getMessage());
            assertThrows(StoreUnreachableException.class, offline::workers);
        }
    }
}
