package io.jworkers.runtime.cli;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.bundle.BundleHash;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.deploy.Deployment;
import io.jworkers.runtime.deploy.FolderStore;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.deploy.NewVersion;
import io.jworkers.runtime.deploy.StateStore;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.deploy.postgres.PostgresStore;
import io.jworkers.runtime.deploy.postgres.StoreUrl;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.serve.AdminServer;
import io.jworkers.runtime.serve.ServeHost;
import io.jworkers.runtime.serve.StoreFollower;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.PostgresServer;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jworkers store migrate} as a user runs it: a real single-host state folder, made by a real
 * host through the CLI (two workers, two environments, a rollback, secrets changed between
 * versions, secrets set for a worker never deployed), copied into a real PostgreSQL; the store then
 * holds exactly the folder's state, and a host that was following the store already serves it.
 * Each refusal says why, exactly, and writes nothing.
 */
class StoreMigrateTest {

    private static final String KEY = Base64.getEncoder().encodeToString("a thirty-two byte key for tests!".getBytes(StandardCharsets.US_ASCII));
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path serverDir;
    static PostgresServer server;

    @TempDir
    Path state;
    @TempDir
    Path work;
    private String database;
    private String url;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void newDatabase() throws Exception {
        database = "migrate" + DATABASES.incrementAndGet();
        server.createDatabase(database);
        url = "postgresql://" + server.user() + "@127.0.0.1:" + server.port() + "/" + database;
    }

    // ------------------------------------------------------------------ the folder

    // hello on the routes of its special paths, plus /shared, which probe takes.
    private Path api(String who) {
        return WorkerDirs.config(work, "api-" + who, """
                { "name": "api", "classpath": [%s], "routes": ["/flaky", "/secret", "/version", "/shared"],
                  "vars": { "WHO": "%s" }, "env": { "staging": { "vars": { "WHO": "staging" } } } }
                """.formatted(json(Fixtures.classes("hello")), who));
    }

    private Path probe() {
        return WorkerDirs.config(work, "probe", """
                { "name": "probe", "classpath": [%s], "routes": ["/names", "/secret-sha", "/shared"],
                  "secrets": { "required": ["TOKEN"] } }
                """.formatted(json(Fixtures.classes("envprobe"))));
    }

    private Path later() {
        return WorkerDirs.config(work, "later", """
                { "name": "later", "classpath": [%s], "routes": ["/check"], "secrets": { "required": ["API_KEY", "OTHER"] } }
                """.formatted(json(Fixtures.classes("envprobe"))));
    }

    /**
     * Deploys through a real host on the folder: api 1-4 in production (a secret changed between 2
     * and 3), rolled back to 3; api 1 in staging; probe 1 taking /shared from api, 2 with a new
     * token; later never deployed, with two secrets set for its first deploy.
     */
    private void makeFolder() throws Exception {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            Path secrets = Files.writeString(work.resolve("api.secrets"), "API_KEY=k1\n");
            ok(host.cli("", "deploy", "-c", api("one").toString(), "--secrets-file", secrets.toString(), "-m", "first"));
            ok(host.cli("", "deploy", "-c", api("two").toString(), "-m", "second"));
            ok(host.cli("k2", "secret", "put", "api", "API_KEY"));
            ok(host.cli("", "deploy", "-c", api("three").toString(), "-m", "third"));
            ok(host.cli("", "rollback", "api", "3"));
            ok(host.cli("staging-key", "secret", "put", "api", "API_KEY", "--env", "staging", "--create"));
            ok(host.cli("", "deploy", "-c", api("staging").toString(), "--env", "staging"));
            ok(host.cli("t1", "secret", "put", "probe", "TOKEN", "--create"));
            ok(host.cli("", "deploy", "-c", probe().toString(), "--take-routes", "-m", "probe takes /shared"));
            ok(host.cli("t2", "secret", "put", "probe", "TOKEN"));
            ok(host.cli("later-key", "secret", "put", "later", "API_KEY", "--create"));
            ok(host.cli("o", "secret", "put", "later", "OTHER", "--create"));
            assertEquals("200 steady two", get(host.url(), "/flaky"), "the folder's host serves the rolled-back version");
            assertEquals("404 no /shared", get(host.url(), "/shared"), "probe took /shared");
        }
    }

    private static ServeHarness.Cli ok(ServeHarness.Cli result) {
        assertEquals(0, result.code(), result.out() + result.err());
        return result;
    }

    // ------------------------------------------------------------------ the command

    private ServeHarness.Cli migrate(Map<String, String> environment, String... args) {
        List<String> all = new ArrayList<>(List.of("store", "migrate"));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment);
        return new ServeHarness.Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    // The usual way: the password in PGPASSWORD, the key in JWORKERS_SECRET_KEY.
    private ServeHarness.Cli migrate() {
        return migrate(Map.of("PGPASSWORD", server.password(), SecretCipher.KEY_VARIABLE, KEY),
                "--from", state.toString(), "--to", url);
    }

    private PostgresStore openStore(String cache) {
        return PostgresStore.open(StoreUrl.parse(url), server.password(), SecretCipher.fromBase64(KEY, "test"),
                work.resolve(cache), BundleLimits.DEFAULT);
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void theStoreHoldsExactlyTheFoldersStateAndAHostFollowingItServesTheMigratedVersions() throws Exception {
        makeFolder();
        Map<String, String> expected;
        try (FolderStore folder = FolderStore.open(state)) {
            expected = snapshot(folder);
            assertEquals(Map.of("later", List.of("production")), folder.environmentsWithPendingSecrets());
            assertEquals(Map.of("API_KEY", "later-key", "OTHER", "o"), folder.pendingSecrets("later", "production"));
        }
        assertEquals(List.of("api (production) 1", "api (production) 2", "api (production) 3", "api (production) 4",
                "api (production) current", "api (production) deployed", "api (production) pending", "api (staging) 1",
                "api (staging) current", "api (staging) deployed", "api (staging) pending", "later (production) current",
                "later (production) deployed", "later (production) pending", "probe (production) 1", "probe (production) 2",
                "probe (production) current", "probe (production) deployed", "probe (production) pending"),
                List.copyOf(expected.keySet()));
        assertEquals("3", expected.get("api (production) current"), "a rollback: not the latest");
        assertEquals("3@100", expected.get("api (production) deployed"));
        assertEquals("null", expected.get("later (production) deployed"));
        assertEquals("[API_KEY, OTHER]", expected.get("later (production) pending"));
        assertTrue(expected.get("probe (production) 2").contains(" {/shared=") && expected.get("probe (production) 2")
                .endsWith(" {TOKEN=t2}"), expected.get("probe (production) 2"));
        try (StoreHost host = StoreHost.start(openStore("host-cache"))) {
            assertEquals("404 ", get(host.url(), "/flaky").substring(0, 4), "an empty store serves nothing");
            Path keyFile = Files.writeString(work.resolve("secret-key"), KEY + "\n");
            Path passwordFile = Files.writeString(work.resolve("store-password"), server.password() + "\n");
            ServeHarness.Cli migrated = migrate(Map.of(), "--from", state.toString(), "--to", url,
                    "--store-password-file", passwordFile.toString(), "--secret-key-file", keyFile.toString());
            assertEquals(0, migrated.code(), migrated.out() + migrated.err());
            assertEquals("", migrated.err());
            String display = "postgresql://jworkers@127.0.0.1:" + server.port() + "/" + database;
            assertEquals("""
                    api (production): 4 versions, current 3
                    api (staging): 1 version, current 1
                    later (production): never deployed, 2 secrets set for the first deploy (API_KEY, OTHER)
                    probe (production): 2 versions, current 2
                    Migrated 4 worker environments (7 versions, 5 bundles) from %s to %s, store revision 4.
                    The folder is left as it was. Serve from the store now (jworkers serve --store URL) and retire the\
                     folder's host: what is deployed there from now on is not in the store.
                    """.formatted(state.toAbsolutePath(), display), migrated.out());

            // The host was following the store: the NOTIFY of the commit makes it load the copies.
            assertEquals("steady two", Await.body(host.url() + "/flaky", "steady two"));
            assertEquals("200 secret sha " + Integer.toHexString("k2".hashCode()), get(host.url(), "/secret"),
                    "version 3's own secret, not version 4's or 1's");
            assertTrue(get(host.url(), "/version").startsWith("200 production/3 3 production [Secret API_KEY changed] 64 "),
                    get(host.url(), "/version"));
            assertEquals("404 no /shared", get(host.url(), "/shared"), "the route probe took stays probe's");
            assertEquals("200 " + sha256("t2"), get(host.url(), "/secret-sha?name=TOKEN"));
            assertEquals("200 steady staging", get(host.url(), "/flaky", "host", "staging.localhost"));
            assertEquals("200 secret sha " + Integer.toHexString("staging-key".hashCode()),
                    get(host.url(), "/secret", "host", "staging.localhost"));

            try (PostgresStore store = openStore("reader-cache")) {
                assertEquals(expected, snapshot(store));
            }
            assertEquals(List.of("1 api production migrate 3", "2 api staging migrate 1", "3 later production migrate null",
                    "4 probe production migrate 2"), changes());

            // The secrets set before later's first deploy, values and all, are its first version's.
            ok(host.cli("", "deploy", "-c", later().toString(), "-m", "after the move"));
            assertEquals("200 match", get(host.url(), "/check", "x-key", "later-key"));
        }

        ServeHarness.Cli again = migrate();
        assertEquals(1, again.code());
        assertEquals("jworkers store migrate: the store postgresql://jworkers@127.0.0.1:" + server.port() + "/" + database
                + " has api (production), api (staging), later (production), probe (production) already. A migration never"
                + " replaces what a store holds: delete them from the store first (jworkers delete NAME --env ENV through"
                + " one of its hosts) if the folder's copy is the one to keep. Nothing was written.\n", again.err());
        assertEquals(5, revision());
    }

    @Test
    void aGradualDeploymentAndVersionsOnlyUploadedAreCarriedAsTheyAre() throws Exception {
        TrafficSplit canary = new TrafficSplit(List.of(new TrafficSplit.Share(2, 25), new TrafficSplit.Share(1, 75)), "canary");
        Map<String, String> expected;
        try (FolderStore folder = FolderStore.open(state)) {
            for (String text : List.of("one", "two")) {
                folder.uploadVersion("api", "production", new NewVersion(folder.stage(bundleZip(text), BundleLimits.DEFAULT),
                        null, text, Map.of("K", text), Map.of()), d -> { });
            }
            folder.deploy("api", "production", canary, d -> { });
            folder.putPendingSecret("web", "staging", "P", "p");
            folder.uploadVersion("web", "staging", new NewVersion(folder.stage(bundleZip("web"), BundleLimits.DEFAULT), null,
                    "uploaded", Map.of(), Map.of()), d -> { });
            expected = snapshot(folder);
        }
        assertEquals("1", expected.get("api (production) current"));
        assertEquals("2@25 1@75 (canary)", expected.get("api (production) deployed"));
        assertEquals("null", expected.get("web (staging) current"));
        assertEquals("[P]", expected.get("web (staging) pending"));

        ServeHarness.Cli migrated = ok(migrate());
        String display = "postgresql://jworkers@127.0.0.1:" + server.port() + "/" + database;
        assertEquals("""
                api (production): 2 versions, current 1 (split 2@25 1@75)
                web (staging): 1 version, none current, 1 secret set for the first deploy (P)
                Migrated 2 worker environments (3 versions, 3 bundles) from %s to %s, store revision 2.
                The folder is left as it was. Serve from the store now (jworkers serve --store URL) and retire the\
                 folder's host: what is deployed there from now on is not in the store.
                """.formatted(state.toAbsolutePath(), display), migrated.out());
        try (PostgresStore store = openStore("reader-cache")) {
            assertEquals(expected, snapshot(store));
            assertEquals(Optional.of(canary), store.split("api", "production"));
            assertEquals(Optional.empty(), store.split("web", "staging"));
        }
        assertEquals(List.of("1 api production migrate 1", "2 web staging migrate null"), changes());
    }

    private Path bundleZip(String text) throws Exception {
        Path zip = Files.createTempFile(work, "bundle-", ".zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("lib/app.txt"));
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("worker.json"));
            out.write("{\"name\":\"api\"}".getBytes(StandardCharsets.UTF_8));
        }
        return zip;
    }

    @Test
    void aFolderInUseByARunningHostIsRefusedNamingItsProcess() throws Exception {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            ok(host.cli("", "deploy", "-c", api("one").toString()));
            ServeHarness.Cli refused = migrate();
            assertEquals(1, refused.code());
            assertEquals("", refused.out());
            assertEquals("jworkers store migrate: the state folder " + state.toAbsolutePath() + " is in use by a running"
                    + " jworkers serve (process " + ProcessHandle.current().pid() + "). Stop that host first: a migration"
                    + " copies a folder that no host changes meanwhile. Nothing was written.\n", refused.err());
            assertEquals("200 steady one", get(host.url(), "/flaky"), "the host goes on serving its folder");
        }
        assertEquals(0, storeTables(), "not even the schema was made");
    }

    @Test
    void aStoreThatHasOneOfTheWorkerEnvironmentsAlreadyIsRefusedNamingThem() throws Exception {
        makeFolder();
        try (PostgresStore store = openStore("cache")) {
            store.putPendingSecret("probe", "production", "TOKEN", "the store's own");
            store.putPendingSecret("api", "staging", "API_KEY", "the store's own");
            store.putPendingSecret("other", "production", "X", "unrelated");
        }
        ServeHarness.Cli refused = migrate();
        assertEquals(1, refused.code());
        assertEquals("", refused.out());
        assertEquals("jworkers store migrate: the store postgresql://jworkers@127.0.0.1:" + server.port() + "/" + database
                + " has api (staging), probe (production) already. A migration never replaces what a store holds: delete"
                + " them from the store first (jworkers delete NAME --env ENV through one of its hosts) if the folder's copy"
                + " is the one to keep. Nothing was written.\n", refused.err());
        assertEquals(0, revision());
        assertEquals(0, count("jw_bundles"));
        assertEquals(0, count("jw_versions"));
        assertEquals(0, count("jw_environments"));
        assertEquals(3, count("jw_pending_secrets"));
        try (FolderStore folder = FolderStore.open(state)) {
            assertEquals(List.of("api", "probe"), folder.workers(), "the folder is free again and unchanged");
        }
    }

    @Test
    void withoutASecretKeyNothingIsWritten() throws Exception {
        makeFolder();
        ServeHarness.Cli refused = migrate(Map.of("PGPASSWORD", server.password()), "--from", state.toString(), "--to", url);
        assertEquals(1, refused.code());
        assertEquals("jworkers store migrate: A PostgreSQL store needs a secret key to seal secrets: give --secret-key-file"
                + " FILE or JWORKERS_SECRET_KEY (32 random bytes, base64: openssl rand -base64 32), the same on every host."
                + " Nothing was written.\n", refused.err());
        assertEquals(0, storeTables());

        Path shortKey = Files.writeString(work.resolve("short-key"), Base64.getEncoder().encodeToString(new byte[16]));
        ServeHarness.Cli wrong = migrate(Map.of("PGPASSWORD", server.password()), "--from", state.toString(), "--to", url,
                "--secret-key-file", shortKey.toString());
        assertEquals(1, wrong.code());
        assertEquals("jworkers store migrate: The secret key in " + shortKey + " is 16 bytes; AES-256 needs 32. Make one"
                + " with: openssl rand -base64 32. Nothing was written.\n", wrong.err());
        assertEquals(0, storeTables());
    }

    @Test
    void aKeyThatDoesNotOpenTheStoresSecretsIsRefused() throws Exception {
        makeFolder();
        try (PostgresStore store = openStore("cache")) {
            store.putPendingSecret("other", "production", "X", "sealed with the cluster's key");
        }
        String otherKey = Base64.getEncoder().encodeToString("not the key the cluster's hosts use".substring(0, 32)
                .getBytes(StandardCharsets.US_ASCII));
        ServeHarness.Cli refused = migrate(Map.of("PGPASSWORD", server.password(), SecretCipher.KEY_VARIABLE, otherKey),
                "--from", state.toString(), "--to", url);
        assertEquals(1, refused.code());
        assertEquals("jworkers store migrate: The secret key given does not open the secrets in the store (those of"
                + " other/production/pending): every host of a store, and whatever writes into it, needs the same key"
                + " (--secret-key-file or JWORKERS_SECRET_KEY). Nothing was written.\n", refused.err());
        assertEquals(0, count("jw_bundles"));
        assertEquals(1, count("jw_pending_secrets"));
    }

    @Test
    void anUnreachableStoreIsRefusedAndTheFolderIsFreeAgain() throws Exception {
        makeFolder();
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String nowhere = "postgresql://jworkers@127.0.0.1:" + closed + "/" + database;
        ServeHarness.Cli refused = migrate(Map.of("PGPASSWORD", server.password(), SecretCipher.KEY_VARIABLE, KEY),
                "--from", state.toString(), "--to", nowhere);
        assertEquals(1, refused.code());
        assertEquals("jworkers store migrate: state store unreachable: " + nowhere + ": Connection to 127.0.0.1:" + closed
                + " refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP"
                + " connections. Nothing was written.\n", refused.err());
        try (FolderStore folder = FolderStore.open(state)) {
            assertEquals(List.of("api", "probe"), folder.workers(), "the folder's lock was released");
        }
        ok(migrate());
    }

    @Test
    void withoutAFolderTheCommandSaysWhichOneAndCreatesNone() throws Exception {
        ServeHarness.Cli noOption = migrate(Map.of(), "--to", url);
        assertEquals(2, noOption.code());
        assertTrue(noOption.err().startsWith("jworkers store migrate: --from DIR is required (the state folder of a single"
                + " host)\n\nUsage: jworkers store migrate --from DIR --to postgresql://"), noOption.err());

        Path missing = work.resolve("no-such-state");
        ServeHarness.Cli noFolder = migrate(Map.of(SecretCipher.KEY_VARIABLE, KEY), "--from", missing.toString(), "--to", url);
        assertEquals(1, noFolder.code());
        assertEquals("jworkers store migrate: --from " + missing + ": no such folder. Nothing was written.\n", noFolder.err());
        assertFalse(Files.exists(missing));

        Path notState = Files.createDirectories(work.resolve("src"));
        ServeHarness.Cli wrongFolder = migrate(Map.of(SecretCipher.KEY_VARIABLE, KEY), "--from", notState.toString(), "--to", url);
        assertEquals(1, wrongFolder.code());
        assertEquals("jworkers store migrate: --from " + notState + " is not a state folder of jworkers serve (it has no"
                + " workers/ or secrets/ folder). Nothing was written.\n", wrongFolder.err());
        try (Stream<Path> files = Files.list(notState)) {
            assertEquals(0, files.count(), "no lock file or state layout was made there");
        }
        assertEquals(0, storeTables());
    }

    @Test
    void damagedWorkerEnvironmentsAreNamedWithWhatToDoAndNothingIsWritten() throws Exception {
        makeFolder();
        Path bundleOne;
        Path probeSecrets = state.resolve("secrets/probe/production/1.json");
        try (FolderStore folder = FolderStore.open(state)) {
            bundleOne = folder.deployment("api", "production", 1).orElseThrow().bundleDir();
        }
        // An old version's bundle altered on disk, and an old version's secrets file gone: the hosts
        // serve on (neither is current), but a copy would carry the damage into the cluster.
        Files.writeString(bundleOne.resolve("worker.json"), "{}");
        Files.delete(probeSecrets);
        String alteredHash = BundleHash.of(bundleOne).substring(0, 12);

        ServeHarness.Cli refused = migrate();
        assertEquals(1, refused.code());
        assertEquals("jworkers store migrate: The state folder " + state.toAbsolutePath() + " has 2 damaged worker"
                + " environments, and a migration copies whole worker environments only:\n"
                + "  api (production): The bundle of version 1 of \"api\" in production (" + bundleOne + ") no longer matches"
                + " its hash (its files hash to " + alteredHash + "). Restore it from a backup, or deploy again.\n"
                + "  probe (production): The secrets file of version 1 of \"probe\" in production is missing (" + probeSecrets
                + "). Set the secrets again (jworkers secret put, or deploy with --secrets-file), or restore the file from a"
                + " backup.\n"
                + "Repair each on the single host first (restore the files from a backup, or deploy it again), or delete it"
                + " there (jworkers delete NAME --env ENV), then migrate again. Nothing was written.\n", refused.err());
        assertEquals(0, storeTables());
    }

    @Test
    void helpAndSpelling() {
        ServeHarness.Cli help = migrate(Map.of(), "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("Usage: jworkers store migrate --from DIR --to postgresql://USER@HOST:PORT/DB"), help.out());
        assertTrue(help.out().contains("  --secret-key-file FILE"), help.out());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(List.of("stor", "migrate"), new PrintStream(out, true), new PrintStream(err, true)));
        assertTrue(err.toString().startsWith("jworkers: unknown command \"stor\" (did you mean \"store\"?)\n"), err.toString());
        err.reset();
        assertEquals(2, Main.run(List.of("store"), new PrintStream(out, true), new PrintStream(err, true)));
        assertTrue(err.toString().startsWith("jworkers store: which? jworkers store migrate --from DIR --to URL\n\nUsage: jworkers"
                + " store migrate"), err.toString());
        err.reset();
        assertEquals(2, Main.run(List.of("store", "copy"), new PrintStream(out, true), new PrintStream(err, true)));
        assertTrue(err.toString().startsWith("jworkers store: unknown subcommand \"copy\" (there is: migrate)\n"), err.toString());
        out.reset();
        assertEquals(0, Main.run(List.of("--help"), new PrintStream(out, true), new PrintStream(err, true)));
        assertTrue(out.toString().contains("\n  store     store migrate: copy a single host's state folder into a PostgreSQL"
                + " store\n"), out.toString());
    }

    // ------------------------------------------------------------------ reading back

    // Every worker environment as comparable lines: each version's record and secrets, the current
    // number, the pending secrets. Times to the microsecond (what PostgreSQL keeps), no message as "".
    private static Map<String, String> snapshot(StateStore store) {
        Map<String, String> lines = new TreeMap<>();
        List<String[]> environments = new ArrayList<>();
        for (String worker : store.workers()) {
            for (String environment : store.environments(worker)) {
                environments.add(new String[] {worker, environment});
            }
        }
        environments.add(new String[] {"later", "production"});
        for (String[] pair : environments) {
            String label = pair[0] + " (" + pair[1] + ")";
            for (VersionInfo info : store.versions(pair[0], pair[1])) {
                Deployment deployment = store.deployment(pair[0], pair[1], info.number()).orElseThrow();
                Map<String, String> secrets = new TreeMap<>();
                deployment.secrets().names().forEach(name -> secrets.put(name, deployment.secrets().get(name).orElseThrow()));
                lines.put(label + " " + info.number(), info.createdAt().truncatedTo(ChronoUnit.MICROS) + " "
                        + (info.message() == null ? "" : info.message()) + " " + info.sha256() + " " + info.routesTaken()
                        + " " + secrets);
            }
            lines.put(label + " current", String.valueOf(store.currentNumber(pair[0], pair[1]).orElse(null)));
            lines.put(label + " deployed", String.valueOf(store.split(pair[0], pair[1]).orElse(null)));
            lines.put(label + " pending", String.valueOf(store.pendingSecretNames(pair[0], pair[1])));
        }
        return lines;
    }

    private Connection sql() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", server.user());
        properties.setProperty("password", server.password());
        return new org.postgresql.Driver().connect(server.jdbcUrl(database), properties);
    }

    private long query(String sql) throws Exception {
        try (Connection connection = sql(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long storeTables() throws Exception {
        return query("select count(*) from information_schema.tables where table_name like 'jw\\_%'");
    }

    private long count(String table) throws Exception {
        return query("select count(*) from " + table);
    }

    private long revision() throws Exception {
        return query("select revision from jw_state");
    }

    private List<String> changes() throws Exception {
        List<String> changes = new ArrayList<>();
        try (Connection connection = sql(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select revision, worker, environment, kind, version from jw_changes"
                        + " order by revision")) {
            while (rows.next()) {
                changes.add(rows.getLong(1) + " " + rows.getString(2) + " " + rows.getString(3) + " " + rows.getString(4)
                        + " " + rows.getObject(5));
            }
        }
        return changes;
    }

    private static String get(String base, String path, String... headers) {
        var response = Http.get(base + path, headers);
        return response.statusCode() + " " + response.body();
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** A host on the store as {@code serve --store} assembles it, in this JVM: listeners, admin API, follower. */
    private record StoreHost(ServeHost serve, IngressServer ingress, AdminServer admin, StoreFollower follower, Path token)
            implements AutoCloseable {

        static StoreHost start(StateStore store) throws Exception {
            ServeHost serve = ServeHost.open(store, BundleLimits.DEFAULT);
            IngressServer ingress = IngressServer.start(IngressSettings.defaults("127.0.0.1", 0), serve, serve.host().requests());
            AdminServer admin = AdminServer.start("127.0.0.1", 0, serve, ServeHarness.TOKEN);
            serve.identify("http://127.0.0.1:" + admin.port());
            Path token = Files.createTempFile("admin-token", "");
            Files.writeString(token, ServeHarness.TOKEN);
            return new StoreHost(serve, ingress, admin, StoreFollower.start(serve, store), token);
        }

        String url() {
            return "http://127.0.0.1:" + ingress.port();
        }

        ServeHarness.Cli cli(String stdin, String... args) {
            return ServeHarness.cli("http://127.0.0.1:" + admin.port(), token, stdin, args);
        }

        @Override
        public void close() throws Exception {
            follower.close();
            admin.close();
            ingress.close();
            serve.close();
            Files.deleteIfExists(token);
        }
    }

}
