package io.jworkers.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.ClassLoadLog;
import io.jworkers.runtime.testing.HopWorkers;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.PostgresServer;
import io.jworkers.runtime.testing.ServeHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gradual deployment on a cluster: two real hosts on one real PostgreSQL give every key the
 * same versions, whichever host serves it and whichever host the split was sent to; a host that
 * joins reads the split and writes its snapshot without Jackson's mapper (its start-up cost).
 */
class ClusterSplitTest {

    @TempDir
    static Path serverDir;
    static PostgresServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private Path hop(String name, String next, String tag) {
        return HopWorkers.config(dir, name, next, "rpc", tag);
    }

    private static void ok(Cluster cluster, int host, String... args) {
        ServeHarness.Cli result = cluster.cli(cluster.host(host), "", args);
        assertEquals(0, result.code(), result.out() + result.err() + cluster.output());
    }

    private static List<String> bodies(ForkedHost host, int keys) {
        List<String> bodies = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            bodies.add(Http.get(host.url() + "/", "x-jworkers-version-key", "user-" + i).body());
        }
        return bodies;
    }

    @Test
    void everyHostGivesAKeyTheSameVersions() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 2)) {
            ok(cluster, 0, "deploy", "-c", hop("application", null, "a").toString());
            ok(cluster, 0, "deploy", "-c", hop("gateway", "application", "a").toString());
            ok(cluster, 1, "versions", "upload", "-c", hop("application", null, "b").toString());
            ok(cluster, 1, "versions", "upload", "-c", hop("gateway", "application", "b").toString());
            ok(cluster, 0, "versions", "deploy", "application", "2@20", "1@80");
            ok(cluster, 0, "versions", "deploy", "gateway", "2@20", "1@80");
            String pinned = "gateway@2(b)>application@2(b)";
            for (ForkedHost host : cluster.hosts()) {
                Await.until(() -> Http.get(host.url() + "/", "x-jworkers-version-overrides", "gateway=2, application=2").body()
                        .equals(pinned));
            }

            List<String> first = bodies(cluster.host(0), 300);
            assertEquals(first, bodies(cluster.host(1), 300), "the same key, the same versions on both hosts");
            assertEquals(List.of("gateway@1(a)>application@1(a)", "gateway@2(b)>application@2(b)"),
                    first.stream().distinct().sorted().toList(), "coherent on both: " + first);
            long onNew = first.stream().filter(pinned::equals).count();
            assertTrue(onNew > 30 && onNew < 90, "about 20 % of 300 keys: " + onNew);

            // Sent to the other host, raised to 60 %: every key on the new versions stays there, on both hosts.
            ok(cluster, 1, "versions", "deploy", "application", "2@60", "1@40");
            ok(cluster, 1, "versions", "deploy", "gateway", "2@60", "1@40");
            for (ForkedHost host : cluster.hosts()) {
                Await.until(() -> bodies(host, 300).stream().filter(pinned::equals).count() > onNew + 60);
            }
            List<String> later = bodies(cluster.host(0), 300);
            assertEquals(later, bodies(cluster.host(1), 300));
            for (int i = 0; i < first.size(); i++) {
                if (first.get(i).equals(pinned)) {
                    assertEquals(pinned, later.get(i), "user-" + i + " stays on the new versions");
                }
            }
        }
    }

    @Test
    void aHostJoiningReadsTheSplitsWritesItsSnapshotAndServesWithoutAMapper() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 1)) {
            ok(cluster, 0, "deploy", "-c", hop("application", null, "a").toString());
            ok(cluster, 0, "deploy", "-c", hop("gateway", "application", "a").toString());
            ok(cluster, 0, "versions", "upload", "-c", hop("application", null, "b").toString());
            ok(cluster, 0, "versions", "deploy", "application", "2@20", "1@80");

            ClassLoadLog classes = new ClassLoadLog(dir.resolve("late-classes.log"));
            Path cache = dir.resolve("late-cache");
            ForkedHost late = cluster.addHost(List.of(classes.option()), cache);
            assertEquals("gateway@1(a)>application@2(b)",
                    Http.get(late.url() + "/", "x-jworkers-version-overrides", "application=2").body(), cluster.output());
            Path snapshot = cache.resolve("snapshot.json");
            Await.until(() -> Files.isRegularFile(snapshot));
            String written = Files.readString(snapshot);
            assertTrue(written.contains("\"split\":[{\"version\":2,\"percent\":20},{\"version\":1,\"percent\":80}]"), written);

            assertTrue(classes.loaded("io.jworkers.runtime.deploy.postgres.StoreJson"), "the host read the store's JSON");
            String mapper = "com.fasterxml.jackson.databind.ObjectMapper";
            assertFalse(classes.loaded(mapper), () -> "a mapper was made; the classes loaded before it:\n"
                    + classes.before(mapper, 20));
        }
    }
}
