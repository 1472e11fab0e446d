package io.jworkers.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.PostgresServer;
import io.jworkers.runtime.testing.ServeHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real hosts on a real PostgreSQL when things go wrong or get busy: a host killed in
 * the middle of a deploy, deploys racing through two hosts, deploys under load, the store stopped
 * for ten seconds under load. No public request may fail.
 */
class ClusterFailuresTest {

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

    @Test
    void aHostKilledInTheMiddleOfADeployChangesNothingAndCatchesUpWhenItComesBack() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 0)) {
            ForkedHost doomed = cluster.addHost(List.of("-Djworkers.test.pauseDeployAt=loaded@2"));
            cluster.addHost();
            cluster.addHost();
            assertEquals(0, cluster.cli(cluster.host(1), "", "deploy", "-c", cluster.hello("one").toString()).code());
            ClusterTest.awaitEverywhere(cluster, "/flaky", "200 steady one");

            CompletableFuture<ServeHarness.Cli> deploy = CompletableFuture.supplyAsync(() ->
                    cluster.cli(doomed, "", "deploy", "-c", cluster.hello("lost").toString()));
            doomed.awaitOutput("jworkers test hook: deploy paused at loaded of version 2", 60);
            doomed.kill();
            assertEquals(1, deploy.get().code(), "the client of the killed host sees the deploy fail");

            for (int i : List.of(1, 2)) {
                assertEquals("200 steady one", Cluster.get(cluster.host(i), "/flaky"));
            }
            String versions = cluster.cli(cluster.host(2), "", "versions", "hello").out();
            assertEquals(1, versions.lines().filter(line -> line.matches("\\s*\\*?\\s*\\d+ .*")).count(),
                    "the killed host's version was never committed:\n" + versions);
            // The killed host's transaction was rolled back and its lock released: the next deploy takes number 2.
            ServeHarness.Cli next = cluster.cli(cluster.host(2), "", "deploy", "-c", cluster.hello("two").toString());
            assertEquals(0, next.code(), next.err() + cluster.output());
            assertTrue(next.out().contains("version 2"), next.out());

            ForkedHost back = cluster.addHost();
            assertEquals("200 steady two", Cluster.get(back, "/flaky"), "the restarted host caught up");
            ClusterTest.awaitEverywhere(cluster, List.of(cluster.host(1), cluster.host(2), back), "/flaky", "200 steady two");
        }
    }

    @Test
    void deploysRacingThroughTwoHostsAllLandWithConsecutiveNumbers() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 3)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<List<Integer>>> racers = new ArrayList<>();
            for (int h = 0; h < 2; h++) {
                ForkedHost through = cluster.host(h);
                int racer = h;
                racers.add(pool.submit(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        codes.add(cluster.cli(through, "", "deploy", "-c", cluster.hello("r" + racer + "-" + i).toString()).code());
                    }
                    return codes;
                }));
            }
            for (Future<List<Integer>> racer : racers) {
                assertEquals(List.of(0, 0, 0, 0, 0), racer.get());
            }
            pool.shutdown();
            String versions = cluster.cli(cluster.host(2), "", "versions", "hello").out();
            List<Integer> numbers = versions.lines().filter(line -> line.matches("\\s*\\*?\\s*\\d+ .*"))
                    .map(line -> Integer.parseInt(line.replace("*", " ").trim().split("\\s+")[0])).toList();
            assertEquals(IntStream.rangeClosed(1, 10).boxed().toList(), numbers, versions);
            String current = versions.lines().filter(line -> line.trim().matches("\\d+ \\*.*|\\* ?\\d+.*|\\d+\\s+\\*.*"))
                    .findFirst().orElse("");
            assertTrue(current.trim().startsWith("10"), "version 10 is current:\n" + versions);
            String who = Cluster.get(cluster.host(0), "/flaky");
            ClusterTest.awaitEverywhere(cluster, "/flaky", who);
        }
    }

    @Test
    void twentyDeploysSpreadOverThreeHostsUnderLoadFailNoRequest() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 3)) {
            assertEquals(0, cluster.cli(cluster.host(0), "", "deploy", "-c", cluster.hello("d0").toString()).code());
            ClusterTest.awaitEverywhere(cluster, "/flaky", "200 steady d0");
            try (Load load = Load.start(cluster.hosts().stream().map(host -> host.url() + "/flaky").toList(), 6)) {
                for (int i = 1; i <= 20; i++) {
                    ServeHarness.Cli deployed = cluster.cli(cluster.host(i % 3), "", "deploy", "-c", cluster.hello("d" + i).toString());
                    assertEquals(0, deployed.code(), deployed.err());
                }
                ClusterTest.awaitEverywhere(cluster, "/flaky", "200 steady d20");
                load.close();
                System.out.printf("cluster: 20 deploys over 3 hosts under load: %d requests, %d failed%n", load.ok(),
                        load.failures().size());
                assertEquals(List.of(), load.failures());
                assertTrue(load.ok() > 0);
            }
        }
    }

    @Test
    void theStoreStoppedForTenSecondsUnderLoadFailsNoPublicRequest() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 3)) {
            assertEquals(0, cluster.cli(cluster.host(0), "", "deploy", "-c", cluster.hello("before").toString()).code());
            ClusterTest.awaitEverywhere(cluster, "/flaky", "200 steady before");
            try (Load load = Load.start(cluster.hosts().stream().map(host -> host.url() + "/flaky").toList(), 6)) {
                server.stop();
                try {
                    Thread.sleep(10_000);
                    ServeHarness.Cli refused = cluster.cli(cluster.host(2), "", "deploy", "-c", cluster.hello("during").toString());
                    assertEquals(1, refused.code());
                    assertTrue(refused.err().contains("state store unreachable"), refused.err());
                } finally {
                    server.start();
                }
                ServeHarness.Cli after = null;
                for (int i = 0; i < 100 && (after == null || after.code() != 0); i++) {
                    after = cluster.cli(cluster.host(1), "", "deploy", "-c", cluster.hello("after").toString());
                    if (after.code() != 0) {
                        Thread.sleep(100); // the host's store connection comes back at its next try
                    }
                }
                assertEquals(0, after.code(), after.err());
                ClusterTest.awaitEverywhere(cluster, "/flaky", "200 steady after");
                load.close();
                System.out.printf("cluster: store stopped 10 s under load: %d requests, %d failed%n", load.ok(),
                        load.failures().size());
                assertEquals(List.of(), load.failures());
            }
        }
    }
}
