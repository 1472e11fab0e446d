package io.jworkers.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.PostgresServer;
import io.jworkers.runtime.testing.ServeHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real hosts on one real PostgreSQL: a change sent to any host is served by all of them,
 * a late host catches up, and a store outage stops only the admin writes.
 */
class ClusterTest {

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
    void aChangeSentToAnyHostIsServedByEveryHost() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 3)) {
            for (ForkedHost host : cluster.hosts()) {
                assertEquals(200, Http.get(host.adminUrl() + "/healthz").statusCode());
                assertEquals("ready\n", Http.get(host.adminUrl() + "/readyz").body());
            }
            List<Long> convergence = new ArrayList<>();
            convergence.add(deployAndConverge(cluster, 0, "v1"));
            convergence.add(deployAndConverge(cluster, 1, "v2"));
            convergence.add(deployAndConverge(cluster, 2, "v3"));

            ServeHarness.Cli rollback = cluster.cli(cluster.host(1), "", "rollback", "hello", "1");
            assertEquals(0, rollback.code(), rollback.err() + cluster.output());
            awaitEverywhere(cluster, "/flaky", "200 steady v1");

            ServeHarness.Cli secret = cluster.cli(cluster.host(2), "k3y", "secret", "put", "hello", "API_KEY");
            assertEquals(0, secret.code(), secret.err() + cluster.output());
            String expected = "200 secret sha " + Integer.toHexString("k3y".hashCode());
            awaitEverywhere(cluster, "/secret", expected);

            String versions = cluster.cli(cluster.host(0), "", "versions", "hello").out();
            assertEquals(4, versions.lines().filter(line -> line.matches("\\s*\\*?\\s*\\d+ .*")).count(), versions + " (a rollback adds no version)");
            ServeHarness.Cli hosts = cluster.cli(cluster.host(0), "", "hosts");
            assertEquals(0, hosts.code(), hosts.err());
            assertTrue(hosts.out().startsWith("store revision 5\n"), hosts.out());
            assertEquals(3, hosts.out().lines().filter(line -> line.contains(" http://127.0.0.1:")).count(), hosts.out());
            // DESIGN §8's GET /hosts answers as GET /v1/hosts does.
            HttpResponse<String> alias = Http.get(cluster.host(1).adminUrl() + "/hosts", "authorization", "Bearer " + ServeHarness.TOKEN);
            assertEquals(200, alias.statusCode());
            assertTrue(alias.body().startsWith("{\"revision\":5,\"hosts\":["), alias.body());
            assertEquals(401, Http.get(cluster.host(1).adminUrl() + "/hosts").statusCode(), "the host list needs the token");
            System.out.printf("cluster convergence after a deploy through one host, 3 hosts: %s ms%n", convergence);
        }
    }

    @Test
    void aFourthHostThatJoinsLateServesTheCurrentVersionsAtOnce() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 3)) {
            assertEquals(0, cluster.cli(cluster.host(0), "", "deploy", "-c", cluster.hello("early").toString()).code());
            assertEquals(0, cluster.cli(cluster.host(1), "", "deploy", "-c", cluster.hello("current").toString()).code());
            assertEquals(0, cluster.cli(cluster.host(2), "", "rollback", "hello", "2").code());
            ForkedHost late = cluster.addHost();
            assertEquals("200 steady current", Cluster.get(late, "/flaky"), cluster.output());
            assertEquals("ready\n", Http.get(late.adminUrl() + "/readyz").body());
            awaitEverywhere(cluster, "/flaky", "200 steady current");
        }
    }

    @Test
    void fromSigtermOnAHostIsNotReadyWhileItsInFlightRequestsFinish() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 1)) {
            deployAndConverge(cluster, 0, "draining");
            ForkedHost host = cluster.host(0);
            var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> Cluster.get(host, "/slow?ms=3000"));
            Thread.sleep(300);
            host.terminate();
            String readiness = "";
            for (int i = 0; i < 200 && !(readiness = probe(host)).equals("503 draining\n"); i++) {
                Thread.sleep(10);
            }
            assertEquals("503 draining\n", readiness, "not ready from SIGTERM on\n" + cluster.output());
            assertEquals("200 late hello from draining", slow.get(), "the in-flight request finishes");
            assertEquals(0, host.waitForExit(30));
        }
    }

    private static String probe(ForkedHost host) {
        try {
            HttpResponse<String> response = Http.get(host.adminUrl() + "/readyz");
            return response.statusCode() + " " + response.body();
        } catch (RuntimeException e) {
            return "gone: " + e;
        }
    }

    @Test
    void whileTheStoreIsDownHostsServeWhatTheyHadAndAdminWritesAnswer503ThenEverythingResumes() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 2)) {
            deployAndConverge(cluster, 0, "before");
            server.stop();
            try {
                for (ForkedHost host : cluster.hosts()) {
                    assertEquals("200 steady before", Cluster.get(host, "/flaky"));
                }
                HttpResponse<String> refused = Http.send("POST", cluster.host(1).adminUrl() + "/v1/workers/hello/rollback?version=1",
                        "", "authorization", "Bearer " + ServeHarness.TOKEN);
                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("state store unreachable"), refused.body());
                assertTrue(refused.body().contains("(host keeps serving revision 1)"), refused.body());
                ServeHarness.Cli deploy = cluster.cli(cluster.host(0), "", "deploy", "-c", cluster.hello("during").toString());
                assertEquals(1, deploy.code());
                assertTrue(deploy.err().contains("state store unreachable"), deploy.err());
                assertEquals("ready\n", Http.get(cluster.host(0).adminUrl() + "/readyz").body(), "still serving: still ready");
            } finally {
                server.start();
            }
            deployAndConverge(cluster, 1, "after");
            for (ForkedHost host : cluster.hosts()) {
                assertEquals("200 steady after", Cluster.get(host, "/flaky"));
            }
        }
    }

    @Test
    void aHostStartedDuringAnOutageServesItsSnapshotAndOneWithoutAnyStaysNotReadyUntilTheStoreIsBack() throws Exception {
        try (Cluster cluster = Cluster.start(server, dir, 1)) {
            deployAndConverge(cluster, 0, "kept");
            // The host keeps a snapshot once it applied the revision of its own deploy.
            java.nio.file.Path snapshot = cluster.cache(0).resolve("snapshot.json");
            for (int i = 0; i < 1500 && !(java.nio.file.Files.exists(snapshot)
                    && java.nio.file.Files.readString(snapshot).contains("\"revision\":1")); i++) {
                Thread.sleep(20);
            }
            assertTrue(java.nio.file.Files.readString(snapshot).contains("\"revision\":1"), "the snapshot of revision 1 is kept");
            cluster.host(0).kill();
            server.stop();
            try {
                ForkedHost restarted = cluster.addHost(List.of(), cluster.cache(0));
                assertEquals("200 steady kept", Cluster.get(restarted, "/flaky"), cluster.output());
                assertEquals(200, Http.get(restarted.adminUrl() + "/readyz").statusCode());
                ForkedHost empty = cluster.addHost();
                HttpResponse<String> notReady = Http.get(empty.adminUrl() + "/readyz");
                assertEquals(503, notReady.statusCode());
                assertEquals("not caught up with the state store\n", notReady.body());
                assertEquals(404, Http.get(empty.url() + "/flaky").statusCode(), "it serves nothing yet");
                assertTrue(String.join("\n", restarted.output()).contains("serving the snapshot of revision 1"), cluster.output());
            } finally {
                server.start();
            }
            ForkedHost empty = cluster.host(2);
            String ready = "";
            for (int i = 0; i < 600 && !(ready = Http.get(empty.adminUrl() + "/readyz").body()).equals("ready\n"); i++) {
                Thread.sleep(100);
            }
            assertEquals("ready\n", ready, cluster.output());
            assertEquals("200 steady kept", Cluster.get(empty, "/flaky"));
            assertEquals(0, cluster.cli(cluster.host(1), "", "deploy", "-c", cluster.hello("resumed").toString()).code());
            awaitEverywhere(cluster, List.of(cluster.host(1), empty), "/flaky", "200 steady resumed");
        }
    }

    // Deploys hello with WHO=who through one host and waits until every host serves it; the time it took.
    private static long deployAndConverge(Cluster cluster, int through, String who) throws Exception {
        ServeHarness.Cli deployed = cluster.cli(cluster.host(through), "", "deploy", "-c", cluster.hello(who).toString());
        assertEquals(0, deployed.code(), deployed.err() + cluster.output());
        long start = System.nanoTime();
        awaitEverywhere(cluster, "/flaky", "200 steady " + who);
        return (System.nanoTime() - start) / 1_000_000;
    }

    static void awaitEverywhere(Cluster cluster, String path, String expected) throws InterruptedException {
        awaitEverywhere(cluster, cluster.hosts(), path, expected);
    }

    static void awaitEverywhere(Cluster cluster, List<ForkedHost> hosts, String path, String expected) throws InterruptedException {
        for (ForkedHost host : hosts) {
            String last = "";
            // Well over the 5 s poll: a lost notification still converges; a slow CI machine has time.
            for (int i = 0; i < 3000 && !(last = Cluster.get(host, path)).equals(expected); i++) {
                Thread.sleep(10);
            }
            assertEquals(expected, last, "host " + host.url() + " did not converge\n" + cluster.output());
        }
    }
}
