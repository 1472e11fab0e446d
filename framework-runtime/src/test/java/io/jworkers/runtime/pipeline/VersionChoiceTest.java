package io.jworkers.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.deploy.TrafficSplit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What chooses a version of a split worker: the key's bucket (fixed values, so that every host
 * and every release agrees), the overrides header as RFC 8941 reads it, and the split as the CLI
 * writes it.
 */
class VersionChoiceTest {

    @Test
    void bucketsAreFixedFunctionsOfTheKey() {
        // Pinned: a change of these numbers moves users between versions on upgrade.
        assertEquals(List.of(53, 61, 25, 42, 2), List.of(VersionKey.bucket("user-42"), VersionKey.bucket("user-43"),
                VersionKey.bucket("0b5f2c1e-3d7a-4c59-9a8e-52f1d6c0a7b4"), VersionKey.bucket(""), VersionKey.bucket("ä")));
        int[] buckets = new int[100];
        for (int i = 0; i < 100_000; i++) {
            buckets[VersionKey.bucket("key-" + i)]++;
        }
        for (int bucket = 0; bucket < 100; bucket++) {
            assertTrue(buckets[bucket] > 850 && buckets[bucket] < 1150, "bucket " + bucket + " got " + buckets[bucket]);
        }
    }

    @Test
    void theBucketOfAPipelineIsThatOfItsKeyElseItsRequestId() {
        Pipeline byId = new Pipeline("request-1", 10, Duration.ofSeconds(1));
        assertEquals(VersionKey.bucket("request-1"), byId.versionBucket());
        Pipeline byKey = new Pipeline("request-1", 10, Duration.ofSeconds(1));
        byKey.chooseVersionsBy("user-7", Map.of("auth", 3));
        assertEquals(VersionKey.bucket("user-7"), byKey.versionBucket());
        assertEquals(3, byKey.pinnedVersion("auth"));
        assertEquals(0, byKey.pinnedVersion("gateway"));
    }

    @Test
    void overridesAreAnRfc8941DictionaryOfVersions() {
        assertEquals(Map.of("gateway", 4, "application", 7), VersionOverrides.parse("gateway=\"4\", application=\"7\""));
        assertEquals(Map.of("gateway", 4, "application", 7), VersionOverrides.parse("gateway=4,application=7"));
        assertEquals(Map.of("my-worker.v2", 12), VersionOverrides.parse("  my-worker.v2=\"12\";note=x"));
        assertEquals(Map.of("a", 2), VersionOverrides.parse("a=1, a=2"), "the last member with a key wins");
        assertEquals(Map.of("b", 3), VersionOverrides.parse("a=tok, b=3, c=?1, d=1.5, e=:AAA=:, f=\"x\", g=-1, h=0, i"),
                "members that are not a positive version are dropped, the others kept");
        for (String invalid : List.of("Gateway=\"4\"", "gateway=\"4", "gateway=\"4\",", "gateway=\"4\" application=\"7\"",
                "gateway=@", "=4", "gateway=\"4\",,b=1", "gateway=\"\\x\"")) {
            assertEquals(Map.of(), VersionOverrides.parse(invalid), invalid + " is not a dictionary: the whole header is ignored");
        }
        assertEquals(Map.of(), VersionOverrides.parse(null));
        assertEquals(Map.of(), VersionOverrides.parse(" "));
    }

    @Test
    void splitsAreWrittenAsTheCliTakesThem() {
        assertEquals("4@10 3@90", TrafficSplit.parse(List.of("3@90", "4@10"), null).describe());
        assertEquals("4@10 3@90", TrafficSplit.parse(List.of("4@10", "3"), null).describe());
        assertEquals("4@10 3@90", TrafficSplit.parse(List.of("4@", "3@90%"), null).describe());
        assertEquals("4@10 3@90", TrafficSplit.parse(List.of("4@10,3@90"), null).describe());
        assertEquals("4@0 3@100", TrafficSplit.parse(List.of("4@0", "3"), null).describe());
        assertEquals("5@100", TrafficSplit.parse(List.of("5"), "m").describe());
        assertEquals(3, TrafficSplit.parse(List.of("4@10", "3"), null).primary());
        assertEquals(4, TrafficSplit.parse(List.of("4@50", "3"), null).primary(), "a tie goes to the newer version");
        assertEquals("the percentages sum to 110, not 100", assertThrows(IllegalArgumentException.class,
                () -> TrafficSplit.parse(List.of("4@40", "3@70"), null)).getMessage());
        assertEquals("version 4 is named twice", assertThrows(IllegalArgumentException.class,
                () -> TrafficSplit.parse(List.of("4@40", "4"), null)).getMessage());
        assertEquals("give at least one of the two percentages, e.g. 4@90 3", assertThrows(IllegalArgumentException.class,
                () -> TrafficSplit.parse(List.of("4", "3"), null)).getMessage());
        assertEquals("version 4 alone takes 100 %, not 10 %; name a second version for the rest (e.g. 4@10 OTHER@90)",
                assertThrows(IllegalArgumentException.class, () -> TrafficSplit.parse(List.of("4@10"), null)).getMessage());
        assertEquals("\"four@10\" is not VERSION@PERCENT (e.g. 4@10)", assertThrows(IllegalArgumentException.class,
                () -> TrafficSplit.parse(List.of("four@10", "3"), null)).getMessage());
        assertEquals("version 4 has 120 %; a share is 0 to 100", assertThrows(IllegalArgumentException.class,
                () -> TrafficSplit.parse(List.of("4@120", "3"), null)).getMessage());
    }
}
