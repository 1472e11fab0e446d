package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.UnpackedBundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FolderStoreTest {

    private static final String CONFIG = "{\"name\":\"api\"}";
    private static final Consumer<Deployment> ACCEPT = candidate -> { };
    private static final String VALUE = "hunter2-very-secret";
    private static final BundleLimits LIMITS = BundleLimits.DEFAULT;

    @TempDir
    Path tmp;
    Path state;
    FolderStore store;

    @BeforeEach
    void setUp() {
        state = tmp.resolve("state");
        store = FolderStore.open(state);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // A restart: the process that had the folder is gone (a crash releases the OS lock too).
    private FolderStore reopen() {
        store.close();
        store = FolderStore.open(state);
        return store;
    }

    @Test
    void a_folder_is_one_hosts_a_second_store_on_it_is_refused_naming_the_process_until_the_first_closes() {
        DeploymentException refused = assertThrows(DeploymentException.class, () -> FolderStore.open(state));
        assertEquals("The state folder " + state.toAbsolutePath() + " is in use by another jworkers serve (process "
                + ProcessHandle.current().pid() + "): one host per state folder. Stop that host first, or run several hosts"
                + " on one PostgreSQL store (--store postgresql://USER@HOST:PORT/DB).", refused.getMessage());
        assertEquals(List.of(), store.workers(), "the store that has the folder still works");
        store.close();
        store = FolderStore.open(state);
        assertEquals(List.of(), store.workers());
    }

    // ------------------------------------------------------------------ helpers

    private Path zip(String name, Map<String, String> entries) throws IOException {
        Path zip = tmp.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    private Path bundle(String text, String config) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("lib/", "");
        entries.put("lib/app.txt", text);
        entries.put("worker.json", config);
        return zip("bundle-" + text + "-" + config.hashCode() + ".zip", entries);
    }

    private VersionInfo deploy(String worker, String env, String text, String message) throws IOException {
        return deploy(worker, env, text, message, Map.of());
    }

    private VersionInfo deploy(String worker, String env, String text, String message, Map<String, String> secrets)
            throws IOException {
        UnpackedBundle staged = store.stage(bundle(text, CONFIG), LIMITS);
        return store.addVersion(worker, env, new NewVersion(staged, null, message, secrets, Map.of()), ACCEPT);
    }

    private VersionInfo secretChange(String worker, String env, String name, String value) {
        Map<String, String> change = new HashMap<>();
        change.put(name, value);
        String hash = store.current(worker, env).orElseThrow().info().sha256();
        return store.addVersion(worker, env, new NewVersion(null, hash, "Secret " + name, change, Map.of()), ACCEPT);
    }

    private Set<String> tree() throws IOException {
        try (Stream<Path> walk = Files.walk(state)) {
            return walk.map(p -> state.relativize(p).toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    private String deployedText(String worker, String env) throws IOException {
        return Files.readString(store.current(worker, env).orElseThrow().bundleDir().resolve("lib/app.txt"));
    }

    private Map<String, String> secretsOf(Deployment deployment) {
        Map<String, String> values = new HashMap<>();
        deployment.secrets().names().forEach(name -> values.put(name, deployment.secrets().get(name).orElseThrow()));
        return values;
    }

    // ------------------------------------------------------------------ deploy / read

    @Test
    void a_deploy_becomes_current_and_is_listed_with_its_metadata() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", "first");

        assertEquals(1, v1.number());
        assertEquals("first", v1.message());
        assertEquals(64, v1.sha256().length());
        Deployment current = store.current("api", "production").orElseThrow();
        assertEquals(v1, current.info());
        assertEquals(CONFIG, current.configJson());
        assertEquals(state.resolve("bundles").resolve(v1.sha256()), current.bundleDir());
        assertEquals("one", deployedText("api", "production"));
        assertEquals(List.of(v1), store.versions("api", "production"));
        assertEquals(List.of("api"), store.workers());
        assertEquals(List.of("production"), store.environments("api"));

        VersionInfo v2 = deploy("api", "production", "two", null);
        assertEquals(2, v2.number());
        assertNull(v2.message());
        assertEquals(List.of(v1, v2), store.versions("api", "production"));
        assertEquals("two", deployedText("api", "production"));
    }

    @Test
    void the_same_content_is_stored_once_and_keeps_its_hash() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", null);
        VersionInfo v2 = deploy("api", "staging", "one", null);
        VersionInfo v3 = deploy("api", "production", "two", null);
        assertEquals(v1.sha256(), v2.sha256());
        assertNotEquals(v1.sha256(), v3.sha256());
        try (Stream<Path> bundles = Files.list(state.resolve("bundles"))) {
            assertEquals(2, bundles.count());
        }
    }

    @Test
    void a_worker_never_deployed_has_no_versions_and_no_current() {
        assertEquals(List.of(), store.versions("api", "production"));
        assertEquals(Optional.empty(), store.current("api", "production"));
        assertEquals(List.of(), store.workers());
        assertEquals(List.of(), store.environments("api"));
        assertEquals(List.of(), store.problems());
    }

    @Test
    void version_numbers_count_per_environment() throws Exception {
        deploy("api", "production", "one", null);
        deploy("api", "production", "two", null);
        assertEquals(1, deploy("api", "staging", "three", null).number());
        assertEquals(1, deploy("auth", "production", "four", null).number());
        assertEquals(3, deploy("api", "production", "five", null).number());
        assertEquals(List.of("production", "staging"), store.environments("api"));
        assertEquals(List.of("api", "auth"), store.workers());
    }

    // ------------------------------------------------------------------ rollback

    @Test
    void make_current_rolls_back_to_any_kept_version() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", null);
        VersionInfo v2 = deploy("api", "production", "two", null);
        VersionInfo v3 = deploy("api", "production", "three", null);

        assertEquals(v1, store.makeCurrent("api", "production", 1, ACCEPT));
        assertEquals("one", deployedText("api", "production"));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals(v2, store.makeCurrent("api", "production", 2, ACCEPT));
        assertEquals(List.of(v1, v2, v3), store.versions("api", "production"));
        assertEquals(4, deploy("api", "production", "four", null).number(), "numbers never repeat after a rollback");
    }

    @Test
    void a_rollback_the_check_refuses_or_to_an_unknown_version_changes_nothing() throws Exception {
        deploy("api", "production", "one", null);
        deploy("api", "production", "two", null);
        Set<String> before = tree();

        assertEquals("Worker \"api\" has no version 7 in production; it has [1, 2]", assertThrows(DeploymentException.class,
                () -> store.makeCurrent("api", "production", 7, ACCEPT)).getMessage());
        assertEquals("does not load", assertThrows(IllegalStateException.class, () -> store.makeCurrent("api", "production", 1,
                candidate -> {
                    throw new IllegalStateException("does not load");
                })).getMessage());
        assertEquals(2, store.current("api", "production").orElseThrow().info().number());
        assertEquals(before, tree());
    }

    @Test
    void any_kept_version_can_be_read_back_with_its_own_config_not_only_the_current_one() throws Exception {
        VersionInfo s1 = deploy("api", "staging", "one", null);
        UnpackedBundle other = store.stage(bundle("two", "{\"name\":\"api\",\"v\":2}"), LIMITS);
        VersionInfo s2 = store.addVersion("api", "staging", new NewVersion(other, null, null, Map.of(), Map.of()), ACCEPT);

        Deployment first = store.deployment("api", "staging", 1).orElseThrow();
        assertEquals(s1, first.info());
        assertEquals(CONFIG, first.configJson());
        assertEquals("one", Files.readString(first.bundleDir().resolve("lib/app.txt")));
        assertEquals("{\"name\":\"api\",\"v\":2}", store.deployment("api", "staging", 2).orElseThrow().configJson());
        assertEquals(Optional.empty(), store.deployment("api", "staging", 3));
        assertEquals(Optional.empty(), store.deployment("api", "production", 1));
        assertEquals(s2, store.current("api", "staging").orElseThrow().info(), "reading changes nothing");
    }

    // ------------------------------------------------------------------ refused changes

    private void assertRefusedWithoutChange(String expectedMessage, Class<? extends RuntimeException> type,
            Runnable change) throws IOException {
        List<VersionInfo> versions = store.versions("api", "production");
        Optional<Deployment> current = store.current("api", "production");
        Set<String> before = tree();

        RuntimeException e = assertThrows(type, change::run);
        assertEquals(expectedMessage, e.getMessage());

        assertEquals(versions, store.versions("api", "production"));
        assertEquals(current, store.current("api", "production"));
        assertEquals(before, tree());
        assertEquals(List.of("api"), store.workers());
    }

    @Test
    void a_version_the_check_refuses_changes_nothing_not_even_on_a_first_deploy() throws Exception {
        deploy("api", "production", "one", null);
        Consumer<Deployment> refuse = candidate -> {
            throw new IllegalStateException("refused: " + candidate.info().number());
        };
        assertRefusedWithoutChange("refused: 2", IllegalStateException.class, () -> store.addVersion("api", "production",
                new NewVersion(stageQuietly("two"), null, null, Map.of("NEW", "v"), Map.of()), refuse));
        assertRefusedWithoutChange("refused: 1", IllegalStateException.class, () -> store.addVersion("api", "staging",
                new NewVersion(stageQuietly("three"), null, null, Map.of(), Map.of()), refuse));
        assertEquals(List.of("production"), store.environments("api"));
    }

    private UnpackedBundle stageQuietly(String text) {
        try {
            return store.stage(bundle(text, CONFIG), LIMITS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Api", "a.b", "..", "a/b", "a b", ""})
    void bad_worker_and_environment_names_are_rejected_and_change_nothing(String bad) throws Exception {
        deploy("api", "production", "one", null);
        String worker = "Invalid worker name \"" + bad + "\": use lowercase letters, digits, '-' and '_', starting with"
                + " a letter or digit, at most 63 characters, e.g. \"auth-service\"";
        String env = "Invalid environment name \"" + bad + "\": use lowercase letters, digits and '-', starting with a"
                + " letter or digit, at most 63 characters (it is a host-name label), e.g. \"staging\"";
        assertRefusedWithoutChange(worker, DeploymentException.class, () -> store.addVersion(bad, "production",
                new NewVersion(stageQuietly("two"), null, null, Map.of(), Map.of()), ACCEPT));
        assertRefusedWithoutChange(env, DeploymentException.class, () -> store.addVersion("api", bad,
                new NewVersion(stageQuietly("two"), null, null, Map.of(), Map.of()), ACCEPT));
    }

    // ------------------------------------------------------------------ crash recovery

    static final class SimulatedCrash extends Error {
    }

    private void crashAt(String step) {
        store.crashHook = s -> {
            if (s.equals(step)) {
                throw new SimulatedCrash();
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"staged", "loaded", "index-written"})
    void a_crash_at_any_step_of_a_deploy_comes_back_with_the_last_completed_deployment(String step) throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", "done");
        Set<String> completed = tree();
        crashAt(step);
        assertThrows(SimulatedCrash.class, () -> deploy("api", "production", "two", null, Map.of("K", "v")));
        assertNotEquals(completed, tree(), "the crash left something behind to recover from");

        store = reopen();

        assertEquals(completed, tree());
        assertEquals(List.of(v1), store.versions("api", "production"));
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        assertEquals("one", deployedText("api", "production"));
        assertEquals(2, deploy("api", "production", "two", null).number());
    }

    @ParameterizedTest
    @ValueSource(strings = {"staged", "loaded", "index-written"})
    void a_crash_during_a_first_deploy_leaves_no_environment_behind(String step) throws Exception {
        crashAt(step);
        assertThrows(SimulatedCrash.class, () -> deploy("api", "production", "one", null, Map.of("K", "v")));
        store = reopen();
        assertEquals(List.of(), store.workers());
        assertEquals(Set.of("", "serve.lock", "staging", "workers", "secrets", "bundles"), tree());
    }

    @Test
    void leftovers_of_unfinished_changes_are_removed_on_open() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", null);
        Set<String> completed = tree();
        Path env = state.resolve("workers/api/production");
        Files.createDirectories(state.resolve("staging/abc/bundle"));
        Files.writeString(state.resolve("staging/upload123.zip"), "half");
        Files.writeString(env.resolve("versions/2.json"), "{\"number\":2}"); // above "latest": never committed
        Files.writeString(state.resolve("secrets/api/production/2.json"), "{}");
        Files.writeString(env.resolve(".index.json.123.tmp"), "{\"current\":2,");
        Files.createDirectories(state.resolve("bundles/feedbeef"));   // staged by a deploy that never committed

        store = reopen();

        assertEquals(completed, tree());
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        assertEquals(List.of(), store.problems());
    }

    // ------------------------------------------------------------------ gradual deployments

    private VersionInfo upload(String worker, String env, String text) throws IOException {
        UnpackedBundle staged = store.stage(bundle(text, CONFIG), LIMITS);
        return store.uploadVersion(worker, env, new NewVersion(staged, null, null, Map.of(), Map.of()), ACCEPT);
    }

    private static TrafficSplit split(int newer, int newerPercent, int older, int olderPercent, String message) {
        return new TrafficSplit(List.of(new TrafficSplit.Share(newer, newerPercent), new TrafficSplit.Share(older,
                olderPercent)), message);
    }

    @Test
    void the_index_keeps_a_split_newest_first_and_an_index_without_one_reads_as_its_current_version_alone() throws Exception {
        deploy("api", "production", "one", null);
        upload("api", "production", "two");
        Path index = state.resolve("workers/api/production/index.json");
        assertEquals("{\"current\":1,\"latest\":2}", Files.readString(index).replaceAll("\\s", ""),
                "an upload counts the version, no more: an earlier jworkers still reads the index");
        store.deploy("api", "production", split(2, 10, 1, 90, "canary"), d -> { });
        assertEquals("{\"current\":1,\"latest\":2,\"split\":[{\"version\":2,\"percent\":10},{\"version\":1,"
                + "\"percent\":90}],\"splitMessage\":\"canary\"}", Files.readString(index).replaceAll("\\s", ""));
        store.deploy("api", "production", TrafficSplit.single(2), d -> { });
        assertEquals("{\"current\":2,\"latest\":2}", Files.readString(index).replaceAll("\\s", ""));

        Files.writeString(index, "{\"current\": 1, \"latest\": 2}");
        store = reopen();
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("api", "production"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"current\": 1, \"latest\": 2, \"split\": [{\"version\": 2, \"percent\": 60}, {\"version\": 1, \"percent\": 40}]}",
        "{\"current\": 1, \"latest\": 2, \"split\": [{\"version\": 3, \"percent\": 10}, {\"version\": 1, \"percent\": 90}]}",
        "{\"current\": 1, \"latest\": 2, \"split\": [{\"version\": 2, \"percent\": 20}, {\"version\": 1, \"percent\": 90}]}",
        "{\"latest\": 2, \"split\": [{\"version\": 2, \"percent\": 10}, {\"version\": 1, \"percent\": 90}]}"})
    void a_split_that_does_not_fit_its_index_is_damage_of_that_worker_only(String damaged) throws Exception {
        deploy("api", "production", "one", null);
        upload("api", "production", "two");
        deploy("auth", "production", "auth", null);
        Path index = state.resolve("workers/api/production/index.json");
        Files.writeString(index, damaged);
        Set<String> before = tree();

        store = reopen();

        assertEquals(before, tree(), "nothing is deleted because an index is damaged");
        DamagedStateException e = assertThrows(DamagedStateException.class, () -> store.split("api", "production"));
        assertTrue(e.getMessage().startsWith("The index " + index + " is damaged ("), e.getMessage());
        assertEquals(List.of(new StateProblem("api", "production", e.getMessage())), store.problems());
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("auth", "production"));
        assertThrows(DamagedStateException.class, () -> upload("api", "production", "three"));
        assertEquals(before, tree(), "an upload does not hide a damaged index");
        assertEquals(3, deploy("api", "production", "three", null).number(), "a deploy repairs it");
        assertEquals(Optional.of(TrafficSplit.single(3)), store.split("api", "production"));
    }

    @Test
    void an_upload_while_the_index_is_missing_is_refused_and_changes_nothing() throws Exception {
        deploy("api", "production", "one", null);
        Files.delete(state.resolve("workers/api/production/index.json"));
        store = reopen();
        Set<String> before = tree();
        DamagedStateException e = assertThrows(DamagedStateException.class, () -> upload("api", "production", "two"));
        assertTrue(e.getMessage().startsWith("The index " + state.resolve("workers/api/production/index.json")
                + " is missing, but versions up to 1 are there (kept)."), e.getMessage());
        assertEquals(before, tree());
    }

    @ParameterizedTest
    @ValueSource(strings = {"staged", "loaded", "index-written"})
    void a_crash_at_any_step_of_an_upload_comes_back_with_the_split_as_it_was(String step) throws Exception {
        deploy("api", "production", "one", null);
        upload("api", "production", "two");
        store.deploy("api", "production", split(2, 10, 1, 90, "canary"), d -> { });
        Set<String> completed = tree();
        crashAt(step);
        assertThrows(SimulatedCrash.class, () -> upload("api", "production", "three"));

        store = reopen();

        assertEquals(completed, tree());
        assertEquals(Optional.of(split(2, 10, 1, 90, "canary")), store.split("api", "production"));
        assertEquals(List.of(1, 2), store.versions("api", "production").stream().map(VersionInfo::number).toList());
        assertEquals(3, upload("api", "production", "three").number());
    }

    @ParameterizedTest
    @ValueSource(strings = {"staged", "loaded"})
    void a_crash_during_a_first_upload_leaves_no_environment_behind(String step) throws Exception {
        crashAt(step);
        assertThrows(SimulatedCrash.class, () -> upload("api", "production", "one"));
        store = reopen();
        assertEquals(List.of(), store.workers());
        assertEquals(Set.of("", "serve.lock", "staging", "workers", "secrets", "bundles"), tree());
    }

    @Test
    void a_crash_before_a_deploys_index_is_renamed_keeps_the_split_as_it_was() throws Exception {
        deploy("api", "production", "one", null);
        upload("api", "production", "two");
        crashAt("index-written");
        assertThrows(SimulatedCrash.class, () -> store.deploy("api", "production", split(2, 10, 1, 90, null), d -> { }));
        store = reopen();
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("api", "production"));
    }

    // ------------------------------------------------------------------ damaged state

    @Test
    void a_damaged_index_is_a_problem_of_its_worker_only_and_a_deploy_repairs_it() throws Exception {
        deploy("api", "production", "one", null);
        deploy("api", "production", "two", null);
        deploy("auth", "production", "auth", null);
        Path index = state.resolve("workers/api/production/index.json");
        Files.writeString(index, "{\"current\": 2, \"lat");
        Set<String> damaged = tree();

        store = reopen();

        assertEquals(damaged, tree(), "nothing is deleted because an index is damaged");
        DamagedStateException e = assertThrows(DamagedStateException.class, () -> store.current("api", "production"));
        assertTrue(e.getMessage().startsWith("The index " + index + " is damaged ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("Deploy again to make a new current version (the versions are kept), or restore"
                + " it from a backup."), e.getMessage());
        assertEquals(List.of(new StateProblem("api", "production", e.getMessage())), store.problems());
        assertEquals("auth", deployedText("auth", "production"));

        assertEquals(3, deploy("api", "production", "three", null).number());
        assertEquals("three", deployedText("api", "production"));
        assertEquals(List.of(1, 2, 3), store.versions("api", "production").stream().map(VersionInfo::number).toList());
        assertEquals(List.of(), store.problems());
    }

    @Test
    void a_missing_index_deletes_no_version_and_a_deploy_repairs_it() throws Exception {
        deploy("api", "production", "one", null, Map.of("TOKEN", VALUE));
        deploy("api", "production", "two", null);
        Files.delete(state.resolve("workers/api/production/index.json"));
        Set<String> damaged = tree();

        store = reopen();

        assertEquals(damaged, tree(), "the versions and their bundles are kept");
        assertEquals(List.of(new StateProblem("api", "production", "The index " + state.resolve(
                "workers/api/production/index.json") + " is missing, but versions up to 2 are there (kept). Deploy again"
                + " to make a new current version, or restore the index from a backup.")), store.problems());
        VersionInfo repaired = deploy("api", "production", "three", null);
        assertEquals(3, repaired.number());
        assertEquals(Map.of("TOKEN", VALUE), secretsOf(store.current("api", "production").orElseThrow()),
                "the secrets of the newest version carry over");
    }

    @Test
    void a_missing_bundle_or_version_record_is_a_problem_that_names_the_file_and_the_fix() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", null);
        deploy("auth", "production", "auth", null);
        DurableFiles.deleteTree(state.resolve("bundles").resolve(v1.sha256()));
        store = reopen();
        assertEquals(List.of(new StateProblem("api", "production", "The bundle of the current version 1 of \"api\" in"
                + " production is missing (" + state.resolve("bundles").resolve(v1.sha256()) + "). Deploy again, or roll"
                + " back to another version: jworkers versions api")), store.problems());
        assertEquals("auth", deployedText("auth", "production"));
        Files.delete(state.resolve("workers/auth/production/versions/1.json"));
        assertEquals("The record of the current version 1 of \"auth\" in production is missing ("
                + state.resolve("workers/auth/production/versions/1.json") + "). Deploy again, or roll back to another"
                + " version: jworkers versions auth", assertThrows(DamagedStateException.class,
                () -> store.current("auth", "production")).getMessage());
    }

    // ------------------------------------------------------------------ secrets

    @Test
    void each_version_has_its_own_secrets_and_a_rollback_restores_them() throws Exception {
        deploy("api", "production", "one", null, Map.of("TOKEN", VALUE));
        VersionInfo v2 = secretChange("api", "production", "DB_PASSWORD", "pw");
        VersionInfo v3 = secretChange("api", "production", "TOKEN", null);

        assertEquals(v2.sha256(), v3.sha256(), "a secret change keeps the code");
        assertEquals(Map.of("DB_PASSWORD", "pw"), secretsOf(store.current("api", "production").orElseThrow()));
        assertEquals(Map.of("TOKEN", VALUE, "DB_PASSWORD", "pw"), secretsOf(store.deployment("api", "production", 2).orElseThrow()));
        store.makeCurrent("api", "production", 1, ACCEPT);
        assertEquals(Map.of("TOKEN", VALUE), secretsOf(store.current("api", "production").orElseThrow()));
        assertEquals(Map.of(), secretsOf(deployAndGet("staging")), "environments do not share secrets");
    }

    private Deployment deployAndGet(String env) throws IOException {
        deploy("api", env, "one", null);
        return store.current("api", env).orElseThrow();
    }

    @Test
    void secrets_set_before_the_first_deploy_go_to_it() throws Exception {
        store.putPendingSecret("api", "production", "TOKEN", VALUE);
        assertEquals(Set.of("TOKEN"), store.pendingSecretNames("api", "production"));
        assertEquals(List.of(), store.workers(), "a pending secret deploys nothing");
        deploy("api", "production", "one", null, Map.of("OTHER", "x"));
        assertEquals(Map.of("TOKEN", VALUE, "OTHER", "x"), secretsOf(store.current("api", "production").orElseThrow()));
        assertEquals(Set.of(), store.pendingSecretNames("api", "production"));
    }

    @Test
    void a_secret_over_64_kib_or_the_129th_secret_is_refused_and_changes_nothing() throws Exception {
        deploy("api", "production", "one", null, Map.of("TOKEN", VALUE));
        String big = "x".repeat(64 * 1024 + 1);
        assertRefusedWithoutChange("Secret \"BIG\" is 65537 bytes; a secret may have at most 65536 bytes (64 KiB). Keep"
                + " larger data in a file or a store the worker reads.", DeploymentException.class,
                () -> secretChange("api", "production", "BIG", big));
        assertEquals(2, secretChange("api", "production", "MAX", "y".repeat(64 * 1024)).number(), "64 KiB itself is fine");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 127; i++) {
            many.put("S" + i, "v");
        }
        assertRefusedWithoutChange("A worker may have at most 128 secrets per environment; this change would make 129."
                + " Delete some with jworkers secret delete.", DeploymentException.class, () -> store.addVersion("api",
                "production", new NewVersion(null, store.current("api", "production").orElseThrow().info().sha256(), null,
                        many, Map.of()), ACCEPT));
    }

    @Test
    void secret_files_are_readable_by_their_owner_only() throws Exception {
        deploy("api", "production", "one", null, Map.of("TOKEN", VALUE));
        store.putPendingSecret("api", "staging", "TOKEN", VALUE);
        Path file = state.resolve("secrets/api/production/1.json");
        assumeTrue(Files.getFileAttributeView(file, PosixFileAttributeView.class) != null, "POSIX file system");
        for (Path path : List.of(file, state.resolve("secrets/api/staging/pending.json"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), path.toString());
        }
        for (String dir : List.of("secrets", "secrets/api", "secrets/api/production", "secrets/api/staging")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(dir))), dir);
        }
    }

    @Test
    void secret_values_appear_in_no_exception_message_or_to_string() throws Exception {
        deploy("api", "production", "one", null, Map.of("TOKEN", VALUE));
        List<Throwable> errors = List.of(
                assertThrows(DeploymentException.class, () -> secretChange("api", "production", "1BAD", VALUE)),
                assertThrows(DeploymentException.class, () -> secretChange("api", "production", "A B", VALUE)),
                assertThrows(DeploymentException.class, () -> store.putPendingSecret("API", "production", "TOKEN", VALUE)),
                assertThrows(DeploymentException.class, () -> store.putPendingSecret("api", "production", "TOKEN", "")));
        assertEquals("Invalid secret name \"1BAD\": use letters, digits, '_', '.' and '-', not starting with a digit, at"
                + " most 256 characters, e.g. \"API_KEY\"", errors.get(0).getMessage());
        assertEquals("Secret \"TOKEN\" needs a value", errors.get(3).getMessage());
        Deployment current = store.current("api", "production").orElseThrow();
        assertFalse(current.toString().contains(VALUE), current.toString());
        assertFalse(new NewVersion(null, "h", null, Map.of("TOKEN", VALUE), Map.of()).toString().contains(VALUE));

        // A damaged secrets file: the error must not quote its content.
        Path file = state.resolve("secrets/api/production/1.json");
        Files.writeString(file, "{\"TOKEN\": \"" + VALUE + "\" oops");
        DamagedStateException damaged = assertThrows(DamagedStateException.class, () -> store.current("api", "production"));
        assertEquals("The secrets file " + file + " is not a JSON object of strings; restore it from a backup, or set the"
                + " secrets again with jworkers secret put", damaged.getMessage());
        assertNull(damaged.getCause());
        for (Throwable t : Stream.concat(errors.stream(), Stream.of(damaged)).toList()) {
            assertFalse(String.valueOf(t.getMessage()).contains(VALUE), t.getMessage());
            assertFalse(t.toString().contains(VALUE), t.toString());
        }
        assertFalse(store.toString().contains(VALUE));
    }

    @Test
    void secrets_written_with_values_longer_than_jacksons_default_limit_are_still_readable() throws Exception {
        deploy("api", "production", "one", null);
        String huge = "z".repeat(20_000_001);
        Files.writeString(state.resolve("secrets/api/production/1.json"), "{\"HUGE\":\"" + huge + "\"}");
        assertEquals(huge.length(), store.current("api", "production").orElseThrow().secrets().get("HUGE").orElseThrow().length());
        assertEquals(2, secretChange("api", "production", "HUGE", null).number(), "and the worker stays manageable");
    }

    // ------------------------------------------------------------------ delete

    @Test
    void delete_removes_an_environment_its_secrets_and_the_bundles_nothing_else_uses() throws Exception {
        VersionInfo shared = deploy("api", "production", "one", null, Map.of("TOKEN", VALUE));
        deploy("api", "staging", "one", null);
        VersionInfo own = deploy("api", "staging", "own", null);
        store.putPendingSecret("api", "preview", "TOKEN", VALUE);

        store.delete("api", "staging");
        store.delete("api", "preview");
        assertTrue(Files.isDirectory(state.resolve("bundles").resolve(own.sha256())), "kept until what ran from it drained");
        store.collectUnusedBundles();

        assertEquals(List.of("production"), store.environments("api"));
        assertEquals(List.of(), store.versions("api", "staging"));
        assertEquals(Set.of(), store.pendingSecretNames("api", "preview"));
        assertTrue(Files.isDirectory(state.resolve("bundles").resolve(shared.sha256())), "production still uses it");
        assertFalse(Files.exists(state.resolve("bundles").resolve(own.sha256())));
        assertFalse(Files.exists(state.resolve("secrets/api/staging")));
        assertEquals(1, deploy("api", "staging", "again", null).number(), "a deleted environment starts again at 1");
    }

    @Test
    void secrets_whose_worker_folder_is_gone_are_kept_not_deleted_at_open() throws Exception {
        deploy("api", "production", "one", null, Map.of("TOKEN", VALUE));
        DurableFiles.deleteTree(state.resolve("workers/api"));   // removed by hand, or a partial restore

        store = reopen();

        assertEquals(Map.of("TOKEN", VALUE), new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                state.resolve("secrets/api/production/1.json").toFile(), Map.class), "these files may be the only copy");
    }

    // ------------------------------------------------------------------ persistence

    @Test
    void reopening_the_store_shows_everything_persisted() throws Exception {
        VersionInfo p1 = deploy("api", "production", "one", "first", Map.of("TOKEN", VALUE));
        VersionInfo p2 = deploy("api", "production", "two", "second");
        store.makeCurrent("api", "production", 1, ACCEPT);
        VersionInfo s1 = deploy("api", "staging", "three", null);

        store.close();
        FolderStore reopened = FolderStore.open(state);
        store = reopened;

        assertEquals(List.of(p1, p2), reopened.versions("api", "production"));
        assertEquals(p1, reopened.current("api", "production").orElseThrow().info());
        assertEquals(List.of(s1), reopened.versions("api", "staging"));
        assertEquals(Map.of("TOKEN", VALUE), secretsOf(reopened.current("api", "production").orElseThrow()));
        assertEquals(List.of("api"), reopened.workers());
    }

    @Test
    void version_info_survives_a_json_round_trip_and_prints_no_config() throws Exception {
        VersionInfo v = store.addVersion("api", "production", new NewVersion(store.stage(bundle("one",
                "{\"name\":\"api\",\"k\":\"zzz\"}"), LIMITS), null, "m", Map.of(), Map.of("/*", java.time.Instant.EPOCH)), ACCEPT);
        assertFalse(v.toString().contains("zzz"));
        assertEquals(v, reopen().versions("api", "production").get(0));
        assertTrue(v.toString().startsWith("VersionInfo[number=1"));
    }
}
