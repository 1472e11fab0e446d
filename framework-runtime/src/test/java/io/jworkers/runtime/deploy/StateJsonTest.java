package io.jworkers.runtime.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jworkers.runtime.deploy.VersionRecords.Index;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state folder's records are written by a mapper and read back from trees: every record
 * reads back equal, and a file that is not what the writer writes is refused saying where.
 */
class StateJsonTest {

    private static final Instant CREATED = Instant.parse("2026-11-30T14:03:49.837768319Z");

    @TempDir
    Path dir;

    private VersionRecords records() {
        return new VersionRecords(new StateLayout(dir), new DurableFiles(dir));
    }

    @Test
    void indexesReadBackAsWritten() throws Exception {
        VersionRecords records = records();
        for (Index index : List.of(new Index(null, 0), new Index(3, 3),
                Index.of(new TrafficSplit(List.of(new TrafficSplit.Share(4, 10), new TrafficSplit.Share(3, 90)), "canary \"b\""), 4))) {
            records.writeIndex("alpha", "production", index, number -> { });
            assertEquals(Optional.of(index), records.index("alpha", "production"));
        }
    }

    @Test
    void versionRecordsReadBackAsWritten() throws Exception {
        VersionRecords records = records();
        VersionInfo plain = new VersionInfo(1, CREATED, null, "ab12", null);
        VersionInfo taker = new VersionInfo(2, CREATED.plusSeconds(5), "took /api/* é", "cd34",
                Map.of("/api/*", CREATED, "shop.example.com/*", CREATED.plusMillis(1)));
        records.writeVersion("alpha", "production", plain);
        records.writeVersion("alpha", "production", taker);
        assertEquals(Optional.of(plain), records.version("alpha", "production", 1));
        assertEquals(Optional.of(taker), records.version("alpha", "production", 2));
        assertEquals(Map.of(), records.version("alpha", "production", 1).orElseThrow().routesTaken());
    }

    @Test
    void secretSetsReadBackAsWrittenAndRefuseAnythingButStringsWithoutQuotingAValue() throws Exception {
        Map<String, String> secrets = Map.of("B_KEY", "x".repeat(100_000), "A_KEY", "line\nbreak \"quoted\" ü");
        assertEquals(secrets, SecretSets.fromJson(SecretSets.toJson(secrets), "alpha"));
        assertEquals(List.of("A_KEY", "B_KEY"), List.copyOf(SecretSets.fromJson(SecretSets.toJson(secrets), "alpha").keySet()));
        // The bytes a mapper wrote before (sets are sealed as these bytes: they must not change).
        assertEquals(new String(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(new java.util.TreeMap<>(secrets)),
                StandardCharsets.UTF_8), new String(SecretSets.toJson(secrets), StandardCharsets.UTF_8));
        DamagedStateException e = assertThrows(DamagedStateException.class,
                () -> SecretSets.fromJson("{\"A\": \"s3cr3t\", \"B\": 12345}".getBytes(StandardCharsets.UTF_8), "alpha"));
        assertEquals("The secrets of alpha are not a JSON object of strings; set them again with jworkers secret put", e.getMessage());
        IOException detail = assertThrows(IOException.class,
                () -> StateJson.strings("{\"A\": \"s3cr3t\", \"B\": 12345}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("the value of \"B\" is not a string", detail.getMessage());
        assertFalse(detail.getMessage().contains("s3cr3t") || detail.getMessage().contains("12345"));
    }

    @Test
    void aDamagedIndexSaysWhatIsWrongWhereAndChangesNothing() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"current\": 1, \"latest\": \"2\"}", "the index: field \"latest\" is not a whole number but STRING",
                "{\"current\": 1, \"latest\": 2, \"owner\": \"x\"}", "the index has an unknown field \"owner\"",
                "{\"current\": 1}", "the index: field \"latest\" is not a whole number but missing",
                "[1, 2]", "the index is not a JSON object but ARRAY",
                "", "the index is not a JSON object but empty",
                "{\"current\": 1, \"latest\": 1} {}", "content after the top-level value",
                "{\"current\": 1, \"latest\": 1, \"split\": [{\"version\": 1}]}", "split[0]: field \"percent\" is not a whole number but missing",
                "{\"current\": 1, \"latest\": 1, \"split\": {}}", "field \"split\": expected a list of shares, found OBJECT");
        for (Map.Entry<String, String> damaged : cases.entrySet()) {
            IOException e = assertThrows(IOException.class, () -> StateJson.index(damaged.getKey().getBytes(StandardCharsets.UTF_8)),
                    damaged.getKey());
            assertEquals(damaged.getValue(), e.getMessage(), damaged.getKey());
        }
        Path index = new StateLayout(dir).index("alpha", "production");
        Files.createDirectories(index.getParent());
        Files.writeString(index, "{\"current\": 1, \"latest\": \"2\"}");
        DamagedStateException e = assertThrows(DamagedStateException.class, () -> records().index("alpha", "production"));
        assertEquals("The index " + index + " is damaged (the index: field \"latest\" is not a whole number but STRING)."
                + " Deploy again to make a new current version (the versions are kept), or restore it from a backup.", e.getMessage());
        assertEquals("{\"current\": 1, \"latest\": \"2\"}", Files.readString(index));
    }

    @Test
    void aDamagedVersionRecordSaysWhatIsWrong() {
        IOException instant = assertThrows(IOException.class, () -> StateJson.version(
                "{\"number\": 1, \"createdAt\": \"yesterday\", \"message\": null, \"sha256\": \"ab\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("the record: field \"createdAt\" is not an instant like 2026-01-02T03:04:05Z: yesterday", instant.getMessage());
        IOException route = assertThrows(IOException.class, () -> StateJson.version(
                "{\"number\": 1, \"createdAt\": null, \"routesTaken\": {\"/a\": 5}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("routesTaken: field \"/a\" is not a string but NUMBER", route.getMessage());
    }
}
