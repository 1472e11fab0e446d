package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.BundleArchive;
import io.jworkers.runtime.bundle.BundleHash;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.UnpackedBundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DeploymentStoreTest {

    private static final String CONFIG = "{\"name\":\"api\"}";

    @TempDir
    Path tmp;
    Path state;
    DeploymentStore store;

    @BeforeEach
    void setUp() {
        state = tmp.resolve("state");
        store = DeploymentStore.open(state);
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

    // A bundle as the store gets it: unpacked (outside the state folder, so tree() shows only the store's files).
    private UnpackedBundle bundle(String text, String config) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("lib/", "");
        entries.put("lib/app.txt", text);
        entries.put("worker.json", config);
        Path zip = zip("bundle-" + UUID.randomUUID() + ".zip", entries);
        return BundleArchive.extract(zip, tmp.resolve("unpacked-" + UUID.randomUUID()), BundleLimits.DEFAULT);
    }

    private UnpackedBundle bundle(String text) throws IOException {
        return bundle(text, CONFIG);
    }

    private Set<String> tree() throws IOException {
        try (Stream<Path> walk = Files.walk(state)) {
            return walk.map(p -> state.relativize(p).toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    private String deployedText(String worker, String env) throws IOException {
        return Files.readString(store.current(worker, env).orElseThrow().bundleDir().resolve("lib/app.txt"));
    }

    // ------------------------------------------------------------------ deploy / read

    @Test
    void a_deploy_becomes_current_and_is_listed_with_its_metadata() throws Exception {
        UnpackedBundle one = bundle("one");
        VersionInfo v1 = store.deploy("api", "production", one, "first");

        assertEquals(1, v1.number());
        assertEquals("first", v1.message());
        assertEquals(one.sha256(), v1.sha256(), "the version's hash is the bundle's canonical hash");
        assertFalse(Files.exists(one.folder()), "the unpacked folder was moved into the version, not copied");
        assertEquals(one.sha256(), BundleHash.of(store.current("api", "production").orElseThrow().bundleDir()),
                "the stored files hash to the version's hash");

        Deployment current = store.current("api", "production").orElseThrow();
        assertEquals(v1, current.info());
        assertEquals(CONFIG, current.configJson());
        assertEquals("one", deployedText("api", "production"));
        assertEquals(List.of(v1), store.versions("api", "production"));
        assertEquals(List.of("api"), store.workers());
        assertEquals(List.of("production"), store.environments("api"));

        VersionInfo v2 = store.deploy("api", "production", bundle("two"), null);
        assertEquals(2, v2.number());
        assertNull(v2.message());
        assertEquals(List.of(v1, v2), store.versions("api", "production"));
        assertEquals("two", deployedText("api", "production"));
    }

    @Test
    void a_worker_never_deployed_has_no_versions_and_no_current() {
        assertEquals(List.of(), store.versions("api", "production"));
        assertEquals(Optional.empty(), store.current("api", "production"));
        assertEquals(List.of(), store.workers());
        assertEquals(List.of(), store.environments("api"));
    }

    @Test
    void version_numbers_count_per_environment() throws Exception {
        store.deploy("api", "production", bundle("one"), null);
        store.deploy("api", "production", bundle("two"), null);
        assertEquals(1, store.deploy("api", "staging", bundle("three"), null).number());
        assertEquals(1, store.deploy("auth", "production", bundle("four"), null).number());
        assertEquals(3, store.deploy("api", "production", bundle("five"), null).number());
        assertEquals(List.of("production", "staging"), store.environments("api"));
        assertEquals(List.of("api", "auth"), store.workers());
    }

    // ------------------------------------------------------------------ rollback / promote

    @Test
    void rollback_to_a_given_version_and_to_the_previous_one() throws Exception {
        VersionInfo v1 = store.deploy("api", "production", bundle("one"), null);
        VersionInfo v2 = store.deploy("api", "production", bundle("two"), null);
        VersionInfo v3 = store.deploy("api", "production", bundle("three"), null);

        assertEquals(v1, store.rollback("api", "production", 1));
        assertEquals("one", deployedText("api", "production"));
        assertEquals(v3, store.rollback("api", "production", 3));
        assertEquals(v2, store.rollback("api", "production", null));
        assertEquals("two", deployedText("api", "production"));
        assertEquals(List.of(v1, v2, v3), store.versions("api", "production"));
        assertEquals(4, store.deploy("api", "production", bundle("four"), null).number());
    }

    @Test
    void rollback_to_an_unknown_version_lists_the_versions_and_changes_nothing() throws Exception {
        store.deploy("api", "production", bundle("one"), null);
        store.deploy("api", "production", bundle("two"), null);
        Set<String> before = tree();

        DeploymentException e = assertThrows(DeploymentException.class,
                () -> store.rollback("api", "production", 7));
        assertEquals("Worker \"api\" has no version 7 in environment \"production\"; its versions are: 1, 2",
                e.getMessage());
        assertEquals(2, store.current("api", "production").orElseThrow().info().number());
        assertEquals(before, tree());
    }

    @Test
    void rollback_without_an_earlier_version_or_without_deployments_fails_clearly() throws Exception {
        assertEquals("Worker \"api\" has no deployments in environment \"production\"",
                assertThrows(DeploymentException.class, () -> store.rollback("api", "production", null)).getMessage());
        store.deploy("api", "production", bundle("one"), null);
        assertEquals("Worker \"api\" in environment \"production\" has no version before the current version 1",
                assertThrows(DeploymentException.class, () -> store.rollback("api", "production", null)).getMessage());
    }

    @Test
    void any_kept_version_can_be_read_back_with_its_own_config_not_only_the_current_one() throws Exception {
        VersionInfo s1 = store.deploy("api", "staging", bundle("one"), null);
        VersionInfo s2 = store.deploy("api", "staging", bundle("two", "{\"name\":\"api\",\"v\":2}"), null);

        Deployment first = store.deployment("api", "staging", 1).orElseThrow();
        assertEquals(s1, first.info());
        assertEquals(CONFIG, first.configJson());
        assertEquals("one", Files.readString(first.bundleDir().resolve("lib/app.txt")));
        assertEquals(s2, store.deployment("api", "staging", 2).orElseThrow().info());
        assertEquals(Optional.empty(), store.deployment("api", "staging", 3));
        assertEquals(Optional.empty(), store.deployment("api", "production", 1));
        assertEquals(s2, store.current("api", "staging").orElseThrow().info(), "reading changes nothing");
    }

    // ------------------------------------------------------------------ rejected deploys

    private void assertRejectedWithoutChange(String expectedMessage, Runnable deploy) throws IOException {
        List<VersionInfo> versions = store.versions("api", "production");
        Optional<Deployment> current = store.current("api", "production");
        Set<String> before = tree();

        DeploymentException e = assertThrows(DeploymentException.class, deploy::run);
        assertEquals(expectedMessage, e.getMessage());

        assertEquals(versions, store.versions("api", "production"));
        assertEquals(current, store.current("api", "production"));
        assertEquals(before, tree());
        assertEquals(List.of("api"), store.workers());
    }

    @Test
    void a_bundle_whose_folder_is_gone_is_rejected_and_changes_nothing() throws Exception {
        store.deploy("api", "production", bundle("one"), null);
        UnpackedBundle gone = bundle("two");
        Files.walk(gone.folder()).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        assertRejectedWithoutChange("Bundle folder " + gone.folder() + " does not exist or is not a folder",
                () -> store.deploy("api", "production", gone, null));
        // A first deploy to a new environment leaves no environment folder behind either.
        assertRejectedWithoutChange("Bundle folder " + gone.folder() + " does not exist or is not a folder",
                () -> store.deploy("api", "staging", gone, null));
        assertEquals(List.of("production"), store.environments("api"));
    }

    @Test
    void a_missing_or_invalid_config_is_rejected_and_changes_nothing() throws Exception {
        store.deploy("api", "production", bundle("one"), null);
        UnpackedBundle two = bundle("two");
        UnpackedBundle withoutConfig = new UnpackedBundle(two.folder(), null, two.sha256(), two.entries(), two.bytes());
        assertRejectedWithoutChange("Missing config: a deploy needs the worker's config as JSON",
                () -> store.deploy("api", "production", withoutConfig, null));
        UnpackedBundle array = bundle("two", "[1]");
        assertRejectedWithoutChange("Invalid config JSON: expected an object",
                () -> store.deploy("api", "production", array, null));
        UnpackedBundle cut = bundle("two", "{\"name\":");
        assertRejectedWithoutChange("Invalid config JSON at line 1, column 9: Unexpected end-of-input "
                + "within/between Object entries",
                () -> store.deploy("api", "production", cut, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Api", "a.b", "..", "a/b", "a b", ""})
    void bad_worker_and_environment_names_are_rejected_and_change_nothing(String bad) throws Exception {
        store.deploy("api", "production", bundle("one"), null);
        UnpackedBundle two = bundle("two");
        String worker = bad.isEmpty() ? "A worker name is required"
                : "Invalid worker name \"" + bad + "\": use only lowercase letters, digits, '-' and '_'";
        String env = bad.isEmpty() ? "A environment name is required"
                : "Invalid environment name \"" + bad + "\": use only lowercase letters, digits, '-' and '_'";
        assertRejectedWithoutChange(worker, () -> store.deploy(bad, "production", two, null));
        assertRejectedWithoutChange(env, () -> store.deploy("api", bad, two, null));
    }

    // ------------------------------------------------------------------ crash recovery

    static final class SimulatedCrash extends Error {
    }

    @ParameterizedTest
    @ValueSource(strings = {"staged", "moved", "index-written"})
    void a_crash_at_any_step_of_a_deploy_comes_back_with_the_last_completed_deployment(String step)
            throws Exception {
        VersionInfo v1 = store.deploy("api", "production", bundle("one"), "done");
        Set<String> completed = tree();
        store.crashHook = s -> {
            if (s.equals(step)) {
                throw new SimulatedCrash();
            }
        };
        assertThrows(SimulatedCrash.class, () -> store.deploy("api", "production", bundle("two"), null));
        assertNotEquals(completed, tree(), "the crash left something behind to recover from");

        store = DeploymentStore.open(state);

        assertEquals(completed, tree());
        assertEquals(List.of(v1), store.versions("api", "production"));
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        assertEquals("one", deployedText("api", "production"));
        assertEquals(2, store.deploy("api", "production", bundle("two"), null).number());
    }

    @Test
    void a_crash_during_a_first_deploy_leaves_no_environment_behind() throws Exception {
        store.crashHook = s -> {
            if (s.equals("index-written")) {
                throw new SimulatedCrash();
            }
        };
        assertThrows(SimulatedCrash.class, () -> store.deploy("api", "production", bundle("one"), null));
        store = DeploymentStore.open(state);
        assertEquals(List.of(), store.workers());
        assertEquals(Set.of("", "staging", "workers", "secrets"), tree());
    }

    @Test
    void leftovers_written_by_hand_are_removed_on_open() throws Exception {
        VersionInfo v1 = store.deploy("api", "production", bundle("one"), null);
        Set<String> completed = tree();
        Path env = state.resolve("workers/api/production");
        Files.createDirectories(state.resolve("staging/abc/bundle"));
        Files.writeString(state.resolve("staging/abc/bundle/half.class"), "half");
        Files.createDirectories(env.resolve("versions/2/bundle"));
        Files.writeString(env.resolve("versions/2/config.json"), CONFIG);
        Files.writeString(env.resolve("deployments.json.123.tmp"), "{\"current\":2,\"versions\":[");
        Files.createDirectories(state.resolve("workers/ghost/production/versions/1"));

        store = DeploymentStore.open(state);

        assertEquals(completed, tree());
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        assertEquals(List.of("api"), store.workers());
    }

    @Test
    void reopening_the_store_shows_everything_persisted() throws Exception {
        VersionInfo p1 = store.deploy("api", "production", bundle("one"), "first");
        VersionInfo p2 = store.deploy("api", "production", bundle("two"), "second");
        store.rollback("api", "production", 1);
        VersionInfo s1 = store.deploy("api", "staging", bundle("three"), null);
        store.putSecret("api", "production", "TOKEN", "s3cr3t-value");

        DeploymentStore reopened = DeploymentStore.open(state);

        assertEquals(List.of(p1, p2), reopened.versions("api", "production"));
        assertEquals(p1, reopened.current("api", "production").orElseThrow().info());
        assertEquals(List.of(s1), reopened.versions("api", "staging"));
        assertEquals(Map.of("TOKEN", "s3cr3t-value"), reopened.secrets("api", "production"));
        assertEquals(List.of("api"), reopened.workers());
    }

    // ------------------------------------------------------------------ secrets

    private static final String VALUE = "hunter2-very-secret";

    @Test
    void secrets_round_trip_per_environment() {
        store.putSecret("api", "production", "TOKEN", VALUE);
        store.putSecret("api", "production", "DB_PASSWORD", "pw");
        store.putSecret("api", "staging", "TOKEN", "other");

        assertEquals(Map.of("TOKEN", VALUE, "DB_PASSWORD", "pw"), store.secrets("api", "production"));
        assertEquals(Set.of("DB_PASSWORD", "TOKEN"), store.secretNames("api", "production"));
        assertEquals(Map.of("TOKEN", "other"), store.secrets("api", "staging"));

        store.putSecret("api", "production", "TOKEN", "rotated");
        assertEquals("rotated", store.secrets("api", "production").get("TOKEN"));
        assertTrue(store.deleteSecret("api", "production", "TOKEN"));
        assertFalse(store.deleteSecret("api", "production", "TOKEN"));
        assertEquals(Map.of("DB_PASSWORD", "pw"), store.secrets("api", "production"));
        assertEquals(Map.of(), store.secrets("auth", "production"));
    }

    @Test
    void the_secrets_file_is_readable_by_its_owner_only() throws Exception {
        store.putSecret("api", "production", "TOKEN", VALUE);
        store.putSecret("api", "production", "OTHER", VALUE);
        Path file = state.resolve("secrets/api/production.json");
        assumeTrue(Files.getFileAttributeView(file, PosixFileAttributeView.class) != null, "POSIX file system");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("secrets"))));
        assertEquals("rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("secrets/api"))));
        try (Stream<Path> files = Files.list(state.resolve("secrets/api"))) {
            assertEquals(List.of(file), files.toList(), "no temp files left");
        }
    }

    @Test
    void secret_values_appear_in_no_exception_message_or_to_string() throws Exception {
        store.putSecret("api", "production", "TOKEN", VALUE);
        List<Throwable> errors = List.of(
                assertThrows(DeploymentException.class, () -> store.putSecret("api", "production", "1BAD", VALUE)),
                assertThrows(DeploymentException.class, () -> store.putSecret("api", "production", "A-B", VALUE)),
                assertThrows(DeploymentException.class, () -> store.putSecret("API", "production", "TOKEN", VALUE)),
                assertThrows(DeploymentException.class, () -> store.putSecret("api", "production", "TOKEN", null)));
        assertEquals("Invalid secret name \"1BAD\": use letters, digits and '_', not starting with a digit",
                errors.get(0).getMessage());
        assertEquals("Secret \"TOKEN\" needs a value", errors.get(3).getMessage());
        assertFalse(store.secretNames("api", "production").toString().contains(VALUE));

        // A damaged secrets file: the error must not quote its content.
        Path file = state.resolve("secrets/api/production.json");
        Files.writeString(file, "{\"TOKEN\": \"" + VALUE + "\" oops");
        DeploymentException damaged = assertThrows(DeploymentException.class,
                () -> store.secrets("api", "production"));
        assertEquals("The secrets file " + file + " is not a valid JSON object of strings", damaged.getMessage());
        assertNull(damaged.getCause());

        for (Throwable t : Stream.concat(errors.stream(), Stream.of(damaged)).toList()) {
            assertFalse(String.valueOf(t.getMessage()).contains(VALUE), t.getMessage());
            assertFalse(t.toString().contains(VALUE), t.toString());
        }
        assertFalse(store.toString().contains(VALUE));
    }

    @Test
    void version_info_survives_a_json_round_trip_and_prints_no_config() throws Exception {
        VersionInfo v = store.deploy("api", "production", bundle("one", "{\"name\":\"api\",\"k\":\"zzz\"}"), "m");
        assertFalse(v.toString().contains("zzz"));
        assertEquals(v, DeploymentStore.open(state).versions("api", "production").get(0));
        assertTrue(v.toString().startsWith("VersionInfo[number=1"));
    }
}
