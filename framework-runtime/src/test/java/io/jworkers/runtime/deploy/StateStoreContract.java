package io.jworkers.runtime.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.bundle.BundleHash;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.UnpackedBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link StateStore} does, the folder store and the PostgreSQL store alike: each
 * implementation's test extends this and says how to open a store.
 */
public abstract class StateStoreContract {

    protected static final String CONFIG = "{\"name\":\"api\"}";
    private static final Consumer<Deployment> ACCEPT = deployment -> { };
    private static final Consumer<List<Deployment>> ACCEPT_ALL = deployments -> { };

    @TempDir
    protected Path tmp;
    protected StateStore store;

    /**
     * Opens a fresh, empty store.
     *
     * @return the store
     */
    protected abstract StateStore openStore() throws Exception;

    /**
     * Opens the same state again, as a restarted host does (the store given was closed).
     *
     * @return the store
     */
    protected abstract StateStore reopenStore() throws Exception;

    @BeforeEach
    void openTheStore() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeTheStore() {
        store.close();
    }

    @Test
    void aFirstDeployMakesVersionOneCurrentWithItsBundleConfigAndSecrets() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of("TOKEN", "s3cret"));
        assertEquals(1, v1.number());
        assertEquals(List.of("api"), store.workers());
        assertEquals(List.of("production"), store.environments("api"));
        assertEquals(List.of(v1), store.versions("api", "production"));
        Deployment current = store.current("api", "production").orElseThrow();
        assertEquals(v1, current.info());
        assertEquals(CONFIG, current.configJson());
        assertEquals("one", Files.readString(current.bundleDir().resolve("lib/app.txt")));
        assertEquals(v1.sha256(), BundleHash.of(current.bundleDir()));
        assertEquals(Optional.of("s3cret"), current.secrets().get("TOKEN"));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
    }

    @Test
    void aNewVersionKeepsTheCurrentSecretsWithItsChangesAndAnotherEnvironmentIsSeparate() throws Exception {
        deploy("api", "production", "one", Map.of("A", "1", "B", "2"));
        Map<String, String> changes = new HashMap<>();
        changes.put("B", null);
        changes.put("C", "3");
        VersionInfo v2 = deploy("api", "production", "two", changes);
        assertEquals(2, v2.number());
        Deployment current = store.current("api", "production").orElseThrow();
        assertEquals(Optional.of("1"), current.secrets().get("A"));
        assertEquals(Optional.empty(), current.secrets().get("B"));
        assertEquals(Optional.of("3"), current.secrets().get("C"));
        assertEquals(Optional.of("2"), store.deployment("api", "production", 1).orElseThrow().secrets().get("B"),
                "version 1 keeps its own secrets");

        deploy("api", "staging", "s", Map.of());
        assertEquals(List.of("production", "staging"), store.environments("api"));
        assertEquals(1, store.versions("api", "staging").size());
        assertEquals(Optional.empty(), store.current("api", "staging").orElseThrow().secrets().get("A"));
    }

    @Test
    void aRefusedCandidateChangesNothingAndTheNextVersionTakesItsNumber() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of("K", "v"));
        UnpackedBundle staged = store.stage(bundle("two"), BundleLimits.DEFAULT);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> store.addVersion("api", "production",
                new NewVersion(staged, null, "m", Map.of("K", "w"), Map.of()), candidate -> {
                    assertEquals(2, candidate.info().number());
                    assertEquals(Optional.of("w"), candidate.secrets().get("K"));
                    throw new IllegalStateException("does not start");
                }));
        assertEquals("does not start", refused.getMessage());
        assertEquals(List.of(v1), store.versions("api", "production"));
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        assertEquals(Optional.of("v"), store.current("api", "production").orElseThrow().secrets().get("K"));
        assertEquals(2, deploy("api", "production", "three", Map.of()).number());
    }

    @Test
    void aRollbackMakesAnEarlierVersionCurrentAndTheNextVersionStartsFromItsSecrets() throws Exception {
        deploy("api", "production", "one", Map.of("K", "first"));
        deploy("api", "production", "two", Map.of("K", "second"));
        VersionInfo back = store.makeCurrent("api", "production", 1, ACCEPT);
        assertEquals(1, back.number());
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals("one", Files.readString(store.current("api", "production").orElseThrow().bundleDir().resolve("lib/app.txt")));
        assertEquals(2, store.versions("api", "production").size(), "a rollback adds no version");
        VersionInfo v3 = deploy("api", "production", "three", Map.of());
        assertEquals(3, v3.number());
        assertEquals(Optional.of("first"), store.current("api", "production").orElseThrow().secrets().get("K"));

        DeploymentException missing = assertThrows(DeploymentException.class, () -> store.makeCurrent("api", "production", 9, ACCEPT));
        assertEquals("Worker \"api\" has no version 9 in production; it has [1, 2, 3]", missing.getMessage());
        DeploymentException none = assertThrows(DeploymentException.class, () -> store.makeCurrent("api", "staging", 1, ACCEPT));
        assertEquals("Worker \"api\" has no deployments in environment \"staging\"", none.getMessage());
        assertThrows(IllegalStateException.class, () -> store.makeCurrent("api", "production", 2, d -> {
            throw new IllegalStateException("refused");
        }));
        assertEquals(Optional.of(3), store.currentNumber("api", "production"), "a refused rollback changes nothing");
    }

    @Test
    void deleteRemovesTheEnvironmentWithItsVersionsAndSecrets() throws Exception {
        deploy("api", "production", "one", Map.of("K", "v"));
        deploy("api", "staging", "one", Map.of());
        store.delete("api", "production");
        assertEquals(List.of("staging"), store.environments("api"));
        assertEquals(List.of(), store.versions("api", "production"));
        assertEquals(Optional.empty(), store.current("api", "production"));
        store.delete("api", "staging");
        assertEquals(List.of(), store.workers());
        VersionInfo again = deploy("api", "production", "again", Map.of());
        assertEquals(1, again.number(), "a deleted worker starts over");
        assertEquals(Optional.empty(), store.current("api", "production").orElseThrow().secrets().get("K"));
    }

    @Test
    void secretsSetBeforeTheFirstDeployGoIntoIt() throws Exception {
        store.putPendingSecret("api", "production", "A", "1");
        store.putPendingSecret("api", "production", "B", "2");
        assertEquals(Set.of("A", "B"), store.pendingSecretNames("api", "production"));
        assertTrue(store.deletePendingSecret("api", "production", "B"));
        assertFalse(store.deletePendingSecret("api", "production", "B"));
        assertEquals(List.of(), store.workers(), "pending secrets make no worker");
        deploy("api", "production", "one", Map.of());
        assertEquals(Optional.of("1"), store.current("api", "production").orElseThrow().secrets().get("A"));
        assertEquals(Set.of(), store.pendingSecretNames("api", "production"));
    }

    @Test
    void badNamesAndSecretsAreRefusedBeforeAnythingIsStored() throws Exception {
        DeploymentException worker = assertThrows(DeploymentException.class, () -> store.versions("Bad Name", "production"));
        assertTrue(worker.getMessage().startsWith("Invalid worker name \"Bad Name\": "), worker.getMessage());
        DeploymentException environment = assertThrows(DeploymentException.class, () -> store.versions("api", "Bad Env"));
        assertTrue(environment.getMessage().startsWith("Invalid environment name \"Bad Env\": "), environment.getMessage());
        DeploymentException name = assertThrows(DeploymentException.class, () -> store.putPendingSecret("api", "production",
                "bad name", "v"));
        assertTrue(name.getMessage().startsWith("Invalid secret name \"bad name\""), name.getMessage());
        String big = "x".repeat(64 * 1024 + 1);
        DeploymentException tooBig = assertThrows(DeploymentException.class, () -> deploy("api", "production", "one",
                Map.of("BIG", big)));
        assertEquals("Secret \"BIG\" is 65537 bytes; a secret may have at most 65536 bytes (64 KiB). Keep larger data in a"
                + " file or a store the worker reads.", tooBig.getMessage());
        assertFalse(tooBig.getMessage().contains("xxxx"));
        assertEquals(List.of(), store.workers(), "nothing stored");
    }

    @Test
    void aSecretChangeReusesTheBundleByItsHash() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of());
        Map<String, String> change = Map.of("NEW", "value");
        VersionInfo v2 = store.addVersion("api", "production", new NewVersion(null, v1.sha256(), "Secret NEW changed", change,
                Map.of()), ACCEPT);
        assertEquals(v1.sha256(), v2.sha256());
        assertEquals("Secret NEW changed", v2.message());
        assertEquals(Optional.of("value"), store.current("api", "production").orElseThrow().secrets().get("NEW"));
    }

    // ------------------------------------------------------------------ gradual deployments

    @Test
    void anUploadedVersionTakesNoTrafficAndStartsFromTheCurrentSecrets() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of("K", "one", "L", "l"));
        Map<String, String> changes = new HashMap<>();
        changes.put("L", null);
        changes.put("M", "m");
        List<Deployment> checked = new ArrayList<>();
        VersionInfo v2 = store.uploadVersion("api", "production", new NewVersion(store.stage(bundle("two"),
                BundleLimits.DEFAULT), null, "upload two", changes, Map.of()), checked::add);
        assertEquals(2, v2.number());
        assertEquals("upload two", v2.message());
        assertEquals(List.of(v2), checked.stream().map(Deployment::info).toList());
        assertEquals(Map.of("K", "one", "M", "m"), checked.getFirst().secrets().asMap());
        assertEquals(List.of(v1, v2), store.versions("api", "production"));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("api", "production"));
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        Deployment uploaded = store.deployment("api", "production", 2).orElseThrow();
        assertEquals(Map.of("K", "one", "M", "m"), uploaded.secrets().asMap());
        assertEquals("two", Files.readString(uploaded.bundleDir().resolve("lib/app.txt")));

        VersionInfo v3 = deploy("api", "production", "three", Map.of());
        assertEquals(3, v3.number(), "the number after the latest, not after the current");
        assertEquals(Map.of("K", "one", "L", "l"), store.current("api", "production").orElseThrow().secrets().asMap(),
                "a deploy starts from the current version's secrets, not the uploaded one's");
    }

    @Test
    void anUploadAsTheFirstVersionLeavesNoneCurrentAndTheFirstDeployUsesUpThePendingSecrets() throws Exception {
        store.putPendingSecret("api", "production", "P", "p");
        VersionInfo v1 = upload("api", "production", "one", Map.of("K", "k"));
        assertEquals(1, v1.number());
        assertEquals(Map.of("K", "k", "P", "p"), store.deployment("api", "production", 1).orElseThrow().secrets().asMap());

        store.close();
        store = reopenStore(); // a restart's recovery keeps versions that were committed without a current one
        assertEquals(List.of("api"), store.workers());
        assertEquals(List.of("production"), store.environments("api"));
        assertEquals(List.of(v1), store.versions("api", "production"));
        assertEquals(Optional.empty(), store.currentNumber("api", "production"));
        assertEquals(Optional.empty(), store.current("api", "production"));
        assertEquals(Optional.empty(), store.split("api", "production"));
        assertEquals(List.of(), store.problems());
        assertEquals(Set.of("P"), store.pendingSecretNames("api", "production"), "kept until a version is deployed");

        VersionInfo v2 = upload("api", "production", "two", Map.of());
        assertEquals(2, v2.number());
        assertEquals(Map.of("P", "p"), store.deployment("api", "production", 2).orElseThrow().secrets().asMap(),
                "while none is current, an upload starts from the secrets set for the first deploy");
        assertEquals(Optional.empty(), store.currentNumber("api", "production"));

        assertEquals(TrafficSplit.single(1), store.deploy("api", "production", TrafficSplit.single(1), ACCEPT_ALL));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        assertEquals(Set.of(), store.pendingSecretNames("api", "production"), "the first deploy used them up");
        assertEquals(List.of(v1, v2), store.versions("api", "production"));
    }

    @Test
    void aSplitSendsTrafficToTwoVersionsNewestFirstItsPrimaryCurrentAndSurvivesARestart() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of("K", "one"));
        VersionInfo v2 = upload("api", "production", "two", Map.of("K", "two"));
        List<List<Integer>> checked = new ArrayList<>();
        TrafficSplit canary = new TrafficSplit(List.of(new TrafficSplit.Share(1, 90), new TrafficSplit.Share(2, 10)), "canary");
        TrafficSplit deployed = store.deploy("api", "production", canary,
                deployments -> checked.add(deployments.stream().map(d -> d.info().number()).toList()));
        assertEquals(List.of(List.of(2, 1)), checked, "the check sees both versions, newest first");
        TrafficSplit expected = new TrafficSplit(List.of(new TrafficSplit.Share(2, 10), new TrafficSplit.Share(1, 90)), "canary");
        assertEquals(expected, deployed);
        assertEquals(Optional.of(expected), store.split("api", "production"));
        assertEquals("2@10 1@90", store.split("api", "production").orElseThrow().describe());
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals(v1, store.current("api", "production").orElseThrow().info());
        assertEquals(Optional.of("one"), store.current("api", "production").orElseThrow().secrets().get("K"));
        assertEquals(List.of(v1, v2), store.versions("api", "production"), "a deploy adds no version");

        TrafficSplit moved = store.deploy("api", "production", split(2, 60, 1, 40, null), ACCEPT_ALL);
        assertEquals(split(2, 60, 1, 40, null), moved);
        assertEquals(Optional.of(2), store.currentNumber("api", "production"), "the version most traffic reaches");
        assertEquals(v2, store.current("api", "production").orElseThrow().info());

        store.close();
        store = reopenStore();
        assertEquals(Optional.of(split(2, 60, 1, 40, null)), store.split("api", "production"));
        assertEquals(Optional.of(2), store.currentNumber("api", "production"));
        assertEquals(v2, store.current("api", "production").orElseThrow().info());
        assertEquals(List.of(v1, v2), store.versions("api", "production"));
        assertEquals(List.of(), store.problems());

        TrafficSplit alone = new TrafficSplit(List.of(new TrafficSplit.Share(1, 100)), "back to one");
        assertEquals(alone, store.deploy("api", "production", alone, ACCEPT_ALL));
        store.close();
        store = reopenStore();
        assertEquals(Optional.of(alone), store.split("api", "production"), "a single version keeps its deploy message");
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
    }

    @Test
    void aDeployOfAMissingVersionIsRefusedNamingItAndChangesNothing() throws Exception {
        deploy("api", "production", "one", Map.of());
        upload("api", "production", "two", Map.of());
        long revision = store.revision();
        DeploymentException missing = assertThrows(DeploymentException.class, () -> store.deploy("api", "production",
                split(5, 10, 1, 90, "canary"), deployments -> {
                    throw new AssertionError("checked " + deployments);
                }));
        assertEquals("Worker \"api\" has no version 5 in production; it has [1, 2]", missing.getMessage());
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("api", "production"));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals(revision, store.revision());

        DeploymentException none = assertThrows(DeploymentException.class, () -> store.deploy("api", "staging",
                TrafficSplit.single(1), ACCEPT_ALL));
        assertEquals("Worker \"api\" has no deployments in environment \"staging\"", none.getMessage());
        assertEquals(List.of("production"), store.environments("api"));
    }

    @Test
    void aDeployTheCheckRefusesChangesNothing() throws Exception {
        deploy("api", "production", "one", Map.of());
        upload("api", "production", "two", Map.of());
        long revision = store.revision();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> store.deploy("api", "production",
                split(2, 10, 1, 90, "canary"), deployments -> {
                    throw new IllegalStateException("version 2 does not load");
                }));
        assertEquals("version 2 does not load", refused.getMessage());
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("api", "production"));
        assertEquals(Optional.of(1), store.currentNumber("api", "production"));
        assertEquals(revision, store.revision(), "a refused deploy bumps nothing");
    }

    @Test
    void anUploadTheCheckRefusesChangesNothingAndTheNextTakesItsNumber() throws Exception {
        VersionInfo v1 = deploy("api", "production", "one", Map.of());
        UnpackedBundle staged = store.stage(bundle("two"), BundleLimits.DEFAULT);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> store.uploadVersion("api",
                "production", new NewVersion(staged, null, "m", Map.of(), Map.of()), candidate -> {
                    throw new IllegalStateException("does not start");
                }));
        assertEquals("does not start", refused.getMessage());
        assertEquals(List.of(v1), store.versions("api", "production"));
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("api", "production"));
        assertEquals(2, upload("api", "production", "three", Map.of()).number());
    }

    @Test
    void aNewVersionOrARollbackEndsASplit() throws Exception {
        deploy("api", "production", "one", Map.of("K", "one"));
        upload("api", "production", "two", Map.of("K", "two"));
        store.deploy("api", "production", split(2, 10, 1, 90, "canary"), ACCEPT_ALL);

        VersionInfo v3 = deploy("api", "production", "three", Map.of());
        assertEquals(3, v3.number());
        assertEquals(Optional.of(TrafficSplit.single(3)), store.split("api", "production"));
        assertEquals(Optional.of(3), store.currentNumber("api", "production"));
        assertEquals(Optional.of("one"), store.current("api", "production").orElseThrow().secrets().get("K"),
                "a new version starts from the primary's secrets");

        store.deploy("api", "production", split(3, 50, 2, 50, null), ACCEPT_ALL);
        assertEquals(Optional.of(3), store.currentNumber("api", "production"), "a tie: the newer is the primary");
        VersionInfo back = store.makeCurrent("api", "production", 2, ACCEPT);
        assertEquals(2, back.number());
        assertEquals(Optional.of(TrafficSplit.single(2)), store.split("api", "production"));
        assertEquals(Optional.of(2), store.currentNumber("api", "production"));
        assertEquals(Optional.of("two"), store.current("api", "production").orElseThrow().secrets().get("K"));
    }

    @Test
    void deleteClearsASplitWithTheVersions() throws Exception {
        deploy("api", "production", "one", Map.of());
        upload("api", "production", "two", Map.of());
        store.deploy("api", "production", split(2, 10, 1, 90, "canary"), ACCEPT_ALL);
        store.delete("api", "production");
        assertEquals(Optional.empty(), store.split("api", "production"));
        assertEquals(Optional.empty(), store.currentNumber("api", "production"));
        assertEquals(List.of(), store.versions("api", "production"));
        assertEquals(List.of(), store.workers());
        assertEquals(1, deploy("api", "production", "again", Map.of()).number());
        assertEquals(Optional.of(TrafficSplit.single(1)), store.split("api", "production"));
    }

    // ------------------------------------------------------------------ helpers

    protected static TrafficSplit split(int newer, int newerPercent, int older, int olderPercent, String message) {
        return new TrafficSplit(List.of(new TrafficSplit.Share(newer, newerPercent), new TrafficSplit.Share(older,
                olderPercent)), message);
    }

    protected VersionInfo upload(String worker, String environment, String text, Map<String, String> secrets)
            throws IOException {
        UnpackedBundle staged = store.stage(bundle(text), BundleLimits.DEFAULT);
        return store.uploadVersion(worker, environment, new NewVersion(staged, null, "upload " + text, secrets, Map.of()),
                ACCEPT);
    }

    protected VersionInfo deploy(String worker, String environment, String text, Map<String, String> secrets)
            throws IOException {
        UnpackedBundle staged = store.stage(bundle(text), BundleLimits.DEFAULT);
        return store.addVersion(worker, environment, new NewVersion(staged, null, "deploy " + text, secrets, Map.of()), ACCEPT);
    }

    protected Path bundle(String text) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("lib/", "");
        entries.put("lib/app.txt", text);
        entries.put("worker.json", CONFIG);
        Path zip = Files.createTempFile(tmp, "bundle-", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }
}
