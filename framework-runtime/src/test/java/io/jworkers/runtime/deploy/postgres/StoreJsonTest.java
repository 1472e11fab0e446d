package io.jworkers.runtime.deploy.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's JSON without a mapper: it is byte for byte what the mapper with the date module
 * wrote before (so rows and snapshots written by older hosts and by this one are alike), the
 * mapper reads it back, and it reads what the mapper wrote; what is not that is refused saying where.
 */
class StoreJsonTest {

    // What Snapshot, VersionRows and EnvironmentRows used before.
    private static final ObjectMapper SNAPSHOTS = JsonMapper.builder().addModule(new JavaTimeModule())
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();
    private static final ObjectMapper ROWS = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    private static final Instant NANOS = Instant.parse("2026-11-30T14:03:49.837768319Z");
    private static final Instant MICROS = Instant.parse("2026-11-30T14:03:50.123456Z");
    private static final Instant WHOLE = Instant.parse("2026-11-30T14:04:00Z");
    private static final Instant EARLY = Instant.parse("1969-12-31T23:59:58.750Z");

    @TempDir
    Path cache;

    private static Snapshot snapshot() {
        VersionInfo one = new VersionInfo(1, NANOS, "first \"deploy\" ✓", "a".repeat(64),
                Map.of("/api/*", MICROS, "/old", EARLY));
        VersionInfo two = new VersionInfo(2, WHOLE, null, "b".repeat(64), Map.of());
        VersionInfo three = new VersionInfo(3, MICROS, "canary", "c".repeat(64), null);
        return new Snapshot(42, List.of(
                new Snapshot.Entry("api", "production", three, new byte[] {1, 2, 3, (byte) 0xff},
                        List.of(new TrafficSplit.Share(3, 10), new TrafficSplit.Share(2, 90)), "canary",
                        List.of(new Snapshot.Version(two, new byte[0]))),
                new Snapshot.Entry("web", "staging", one, null, null, null, null)));
    }

    @Test
    void aSnapshotIsWrittenAsTheMapperWroteItAndReadsBackEqual() throws Exception {
        Snapshot snapshot = snapshot();
        byte[] written = StoreJson.write(snapshot);
        assertEquals(new String(SNAPSHOTS.writeValueAsBytes(snapshot), StandardCharsets.UTF_8),
                new String(written, StandardCharsets.UTF_8));
        assertSame(snapshot, StoreJson.snapshot(written));
        assertSame(snapshot, SNAPSHOTS.readValue(written, Snapshot.class));

        snapshot.write(cache);
        assertSame(snapshot, Snapshot.read(cache).orElseThrow());
        assertSame(new Snapshot(-1, List.of()), StoreJson.snapshot("{\"revision\":-1,\"entries\":[]}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSnapshotWithIsoInstantsReadsAsTheMapperReadIt() throws Exception {
        String json = "{\"revision\":7,\"entries\":[{\"worker\":\"api\",\"environment\":\"production\",\"info\":{\"number\":1,"
                + "\"createdAt\":\"2026-11-30T14:03:49.837768319Z\",\"sha256\":\"abc\",\"routesTaken\":{\"/a\":1764511430}},"
                + "\"sealedSecrets\":\"AQID\"}]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Snapshot mine = StoreJson.snapshot(bytes);
        assertSame(SNAPSHOTS.readValue(bytes, Snapshot.class), mine);
        assertEquals(NANOS, mine.entries().get(0).info().createdAt());
        assertEquals(Map.of("/a", Instant.ofEpochSecond(1764511430)), mine.entries().get(0).info().routesTaken());
        assertArrayEquals(new byte[] {1, 2, 3}, mine.entries().get(0).sealedSecrets());
    }

    @Test
    void routesAndSharesAreTheColumnsTheMapperWroteAndReadBackEqual() throws Exception {
        Map<String, Instant> routes = new TreeMap<>(Map.of("/x", NANOS, "/y", WHOLE, "/z", EARLY));
        String json = StoreJson.routesJson(routes);
        assertEquals(ROWS.writeValueAsString(routes), json);
        assertEquals(routes, StoreJson.routes(json));
        assertEquals(routes, ROWS.readValue(json, new TypeReference<TreeMap<String, Instant>>() { }));
        assertEquals("{}", StoreJson.routesJson(Map.of()));
        assertEquals(Map.of(), StoreJson.routes("{}"));
        // As PostgreSQL's jsonb gives it back: spaces after the separators.
        assertEquals(Map.of("/x", NANOS), StoreJson.routes("{\"/x\": " + NANOS.getEpochSecond() + ".837768319}"));

        List<TrafficSplit.Share> shares = List.of(new TrafficSplit.Share(4, 25), new TrafficSplit.Share(3, 75));
        String split = StoreJson.sharesJson(shares);
        assertEquals(ROWS.writeValueAsString(shares), split);
        assertEquals(shares, StoreJson.shares(split));
        assertEquals(shares, StoreJson.shares("[{\"percent\": 25, \"version\": 4}, {\"version\": 3, \"percent\": 75}]"));
    }

    @Test
    void whatIsNotTheStoresJsonIsRefusedSayingWhere() {
        Map<String, String> routes = Map.of(
                "[]", "routes_taken is not a JSON object but ARRAY",
                "{\"/a\": true}", "routes_taken: route \"/a\" is not an instant (decimal seconds or text like 2026-01-02T03:04:05Z): true",
                "{\"/a\": \"yesterday\"}", "routes_taken: route \"/a\" is not an instant (decimal seconds or text like 2026-01-02T03:04:05Z): \"yesterday\"",
                "{\"/a\": null}", "routes_taken: route \"/a\" has no instant",
                "{\"/a\": 1} {}", "content after the top-level value");
        routes.forEach((json, message) ->
                assertEquals(message, assertThrows(IOException.class, () -> StoreJson.routes(json), json).getMessage(), json));
        Map<String, String> shares = Map.of(
                "{}", "split is not a list of shares but OBJECT",
                "[{\"version\": 2}]", "split[0]: field \"percent\" is not a whole number but missing",
                "[{\"version\": 2, \"percent\": 100, \"weight\": 1}]", "split[0] has an unknown field \"weight\"",
                "[{\"version\": \"2\", \"percent\": 100}]", "split[0]: field \"version\" is not a whole number but STRING");
        shares.forEach((json, message) ->
                assertEquals(message, assertThrows(IOException.class, () -> StoreJson.shares(json), json).getMessage(), json));
        Map<String, String> snapshots = Map.of(
                "", "the snapshot is not a JSON object but empty",
                "{\"revision\": 1}", "the snapshot: field \"entries\" is not a list but missing",
                "{\"revision\": 1.5, \"entries\": []}", "the snapshot: field \"revision\" is not a whole number but NUMBER",
                "{\"revision\": 1, \"entries\": [{\"worker\": \"a\"}]}", "entries[0]: field \"info\" is missing",
                "{\"revision\": 1, \"entries\": [{\"worker\": \"a\", \"info\": {\"number\": 1, \"sha\": \"x\"}}]}",
                "entries[0].info has an unknown field \"sha\"",
                "{\"revision\": 1, \"entries\": [{\"worker\": \"a\", \"info\": {\"number\": 1}, \"sealedSecrets\": \"*not*\"}]}",
                "entries[0]: field \"sealedSecrets\" is not base64",
                "{\"revision\": 1, \"entries\": [{\"info\": {\"number\": 1}, \"others\": [{\"info\": {\"number\": 2, \"createdAt\": [1]}}]}]}",
                "entries[0].others[0].info: field \"createdAt\" is not an instant (decimal seconds or text like 2026-01-02T03:04:05Z): [1]");
        snapshots.forEach((json, message) -> assertEquals(message, assertThrows(IOException.class,
                () -> StoreJson.snapshot(json.getBytes(StandardCharsets.UTF_8)), json).getMessage(), json));
    }

    @Test
    void aDamagedSnapshotFileIsNotServedAndIsLeftAsItWas() throws Exception {
        Path file = cache.resolve(Snapshot.FILE);
        byte[] damaged = "{\"revision\": 3, \"entries\": [{\"worker\": 1}]}".getBytes(StandardCharsets.UTF_8);
        Files.write(file, damaged);
        assertEquals(Optional.empty(), Snapshot.read(cache));
        assertArrayEquals(damaged, Files.readAllBytes(file));
    }

    // Snapshots hold byte arrays, which records compare by reference: compare their JSON.
    private static void assertSame(Snapshot expected, Snapshot actual) {
        assertEquals(new String(StoreJson.write(expected), StandardCharsets.UTF_8),
                new String(StoreJson.write(actual), StandardCharsets.UTF_8));
        assertEquals(expected.revision(), actual.revision());
        assertEquals(expected.entries().size(), actual.entries().size());
        for (int i = 0; i < expected.entries().size(); i++) {
            Snapshot.Entry e = expected.entries().get(i);
            Snapshot.Entry a = actual.entries().get(i);
            assertEquals(e.info(), a.info());
            assertEquals(e.split(), a.split());
            assertArrayEquals(e.sealedSecrets(), a.sealedSecrets());
        }
    }
}
