package io.jworkers.runtime.versions;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.HopWorkers;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradual deployments on a real {@code serve} host, driven through the CLI, with requests over
 * real HTTP: a chain of three "hop" workers, each answering {@code name@version} and what the
 * next one answered, so every response shows which version of every worker it reached.
 */
class GradualDeploymentTest {

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness host;
    private LogCapture log;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        log = LogCapture.of("jworkers");
        host = ServeHarness.start(state, work);
    }

    @AfterEach
    void stop() {
        host.close();
        log.close();
    }

    private Path hop(String name, String next, String mode, String tag) {
        return HopWorkers.config(work, name, next, mode, tag);
    }

    private ServeHarness.Cli ok(String... args) {
        ServeHarness.Cli result = host.cli("", args);
        assertEquals(0, result.code(), result.out() + result.err());
        return result;
    }

    private ServeHarness.Cli refused(String... args) {
        ServeHarness.Cli result = host.cli("", args);
        assertEquals(1, result.code(), result.out() + result.err());
        return result;
    }

    // Refused by the CLI itself, before it asks the host: a usage error.
    private ServeHarness.Cli misused(String... args) {
        ServeHarness.Cli result = host.cli("", args);
        assertEquals(2, result.code(), result.out() + result.err());
        return result;
    }

    // gateway, auth and application at version 1 (tag a), each with a version 2 (tag b) uploaded.
    private void chainWithUploads(String gatewayMode, String authMode) {
        ok("deploy", "-c", hop("application", null, "fetch", "a").toString());
        ok("deploy", "-c", hop("auth", "application", authMode, "a").toString());
        ok("deploy", "-c", hop("gateway", "auth", gatewayMode, "a").toString());
        ok("versions", "upload", "-c", hop("application", null, "fetch", "b").toString());
        ok("versions", "upload", "-c", hop("auth", "application", authMode, "b").toString());
        ok("versions", "upload", "-c", hop("gateway", "auth", gatewayMode, "b").toString());
    }

    private String get(String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(host.url() + "/")).timeout(Duration.ofSeconds(30));
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // Sends n requests from 8 threads; request i carries the headers headersOf(i); bodies by i.
    private List<String> many(int n, IntFunction<String[]> headersOf) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> bodies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                bodies.add(threads.submit(() -> get(headersOf.apply(index))));
            }
            List<String> result = new ArrayList<>(n);
            for (Future<String> body : bodies) {
                result.add(body.get());
            }
            return result;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void uploadTakesNoTrafficAndANinetyTenSplitSendsTenPercentByRequestId() throws Exception {
        ok("deploy", "-c", hop("gateway", null, "fetch", "a").toString());
        ServeHarness.Cli upload = ok("versions", "upload", "-c", hop("gateway", null, "fetch", "b").toString(), "-m", "canary");
        assertTrue(upload.out().contains("Uploaded gateway version 2 to production (sha256 "), upload.out());
        assertTrue(upload.out().contains("it takes no traffic until: jworkers versions deploy gateway 2@PERCENT"), upload.out());
        assertEquals(Set.of("gateway@1(a)"), new HashSet<>(many(200, i -> new String[0])), "an uploaded version takes no traffic");

        assertEquals("Deployed gateway in production: version 2 at 10 %, version 1 at 90 %\n",
                ok("versions", "deploy", "gateway", "2@10", "1@90", "-m", "canary 10").out());
        Map<String, Integer> counts = new TreeMap<>();
        for (String body : many(10_000, i -> new String[0])) {
            counts.merge(body, 1, Integer::sum);
        }
        assertEquals(Set.of("gateway@1(a)", "gateway@2(b)"), counts.keySet());
        int newer = counts.get("gateway@2(b)");
        assertTrue(newer >= 850 && newer <= 1150, "10 % ± 1.5 % of 10,000 requests reached version 2: " + counts);

        String versions = ok("versions", "gateway").out();
        assertTrue(versions.lines().anyMatch(line -> line.matches("1 \\* +90% .*")), versions);
        assertTrue(versions.lines().anyMatch(line -> line.matches("2 +10% .* canary")), versions);
        assertTrue(versions.contains("Traffic is split: version 2 at 10 %, version 1 at 90 % (canary 10)"), versions);
        String services = ok("services").out();
        assertTrue(services.startsWith("gateway (production)  version 1  split 2@10 1@90  running"), services);
    }

    @Test
    void theSameKeyAlwaysGetsTheSameVersionAndKeepsTheNewVersionWhileItsShareGrows() throws Exception {
        ok("deploy", "-c", hop("gateway", null, "fetch", "a").toString());
        ok("versions", "upload", "-c", hop("gateway", null, "fetch", "b").toString());
        ok("versions", "deploy", "gateway", "2@10", "1");

        List<String> first = many(2_000, i -> new String[] {"x-jworkers-version-key", "user-" + i});
        assertEquals(first, many(2_000, i -> new String[] {"x-jworkers-version-key", "user-" + i}), "the same key, the same version");
        Set<Integer> onNew = new HashSet<>();
        for (int i = 0; i < first.size(); i++) {
            if (first.get(i).equals("gateway@2(b)")) {
                onNew.add(i);
            }
        }
        assertTrue(onNew.size() > 100 && onNew.size() < 300, "about 10 % of 2,000 keys: " + onNew.size());

        ok("versions", "deploy", "gateway", "2@50", "1@50");
        List<String> later = many(2_000, i -> new String[] {"x-jworkers-version-key", "user-" + i});
        for (int i : onNew) {
            assertEquals("gateway@2(b)", later.get(i), "key user-" + i + " was on version 2 at 10 % and stays there at 50 %");
        }
        long nowNew = later.stream().filter("gateway@2(b)"::equals).count();
        assertTrue(nowNew > 850 && nowNew < 1150, "about half of 2,000 keys: " + nowNew);
    }

    @Test
    void aChainSplitAlikeIsCoherentThroughAsyncFetchAndAsyncRpc() throws Exception {
        chainWithUploads("async", "rpcasync");
        for (String worker : List.of("application", "auth", "gateway")) {
            ok("versions", "deploy", worker, "2@10", "1@90");
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String body : many(2_000, i -> new String[0])) {
            counts.merge(body, 1, Integer::sum);
        }
        assertEquals(Set.of("gateway@1(a)>auth@1(a)>application@1(a)", "gateway@2(b)>auth@2(b)>application@2(b)"),
                counts.keySet(), "a request that meets a new version meets only new versions: " + counts);

        // Shares that differ: the keys of the smaller share are among those of the larger.
        ok("versions", "deploy", "auth", "2@50", "1@50");
        ok("versions", "deploy", "application", "2@100");
        for (String body : many(1_000, i -> new String[] {"x-jworkers-version-key", "k" + i})) {
            assertTrue(body.equals("gateway@1(a)>auth@1(a)>application@2(b)") || body.equals("gateway@1(a)>auth@2(b)>application@2(b)")
                    || body.equals("gateway@2(b)>auth@2(b)>application@2(b)"), body);
        }
    }

    @Test
    void overridesPinVersionsOfTheDeploymentThroughRpcEvenAtZeroPercentAndIgnoreTheRest() throws Exception {
        chainWithUploads("fetch", "call");
        ok("versions", "deploy", "application", "2@0", "1@100");
        ok("versions", "deploy", "auth", "2@0", "1@100");
        assertEquals("gateway@1(a)>auth@1(a)>application@1(a)", get());
        assertEquals("gateway@1(a)>auth@2(b)>application@2(b)",
                get("x-jworkers-version-overrides", "auth=\"2\", application=\"2\""), "pinned through fetch and dynamic RPC");
        assertEquals("gateway@1(a)>auth@1(a)>application@2(b)", get("x-jworkers-version-overrides", "application=2"));
        assertEquals("gateway@1(a)>auth@1(a)>application@1(a)",
                get("x-jworkers-version-overrides", "gateway=\"2\", application=\"3\""),
                "gateway 2 is not deployed (only uploaded) and application has no version 3: both ignored");
        assertEquals("gateway@1(a)>auth@1(a)>application@1(a)", get("x-jworkers-version-overrides", "application=\"2"),
                "a header that is not an RFC 8941 dictionary is ignored");
        assertEquals("gateway@1(a)>auth@1(a)>application@1(a)", get("x-jworkers-version-overrides", "Application=\"2\""));

        // Typed RPC too: auth's version 3 calls application with a typed stub.
        ok("versions", "upload", "-c", hop("auth", "application", "rpc", "c").toString());
        ok("versions", "deploy", "auth", "3@0", "1@100");
        assertEquals("gateway@1(a)>auth@3(c)>application@2(b)",
                get("x-jworkers-version-overrides", "auth=\"3\", application=\"2\""));
        // The access line is logged once the response is sent: wait for it.
        io.jworkers.runtime.testing.Await.until(() -> log.messagesWith("GET / 200 ").stream()
                .anyMatch(line -> line.matches(".* workers=gateway@1:\\d+\\.\\dms>auth@3:\\d+\\.\\dms>application@2")));
    }

    @Test
    void rollbackEndsASplitAndBadSplitsAreRefusedChangingNothing() throws Exception {
        ok("deploy", "-c", hop("gateway", null, "fetch", "a").toString());
        ok("versions", "upload", "-c", hop("gateway", null, "fetch", "b").toString());
        ok("versions", "deploy", "gateway", "2@30", "1@70");

        assertEquals("jworkers versions deploy: the percentages sum to 110, not 100\n",
                misused("versions", "deploy", "gateway", "2@40", "1@70").err().lines().findFirst().orElseThrow() + "\n");
        assertEquals("jworkers versions deploy: name one or two versions, e.g. 4@10 3@90 (a deployment has at most two), not 1@10 2@10 3@80\n",
                misused("versions", "deploy", "gateway", "1@10", "2@10", "3@80").err().lines().findFirst().orElseThrow() + "\n");
        assertEquals("jworkers versions deploy: \"2@1.5\": shares are whole percentages\n",
                misused("versions", "deploy", "gateway", "2@1.5", "1").err().lines().findFirst().orElseThrow() + "\n");
        assertEquals("jworkers versions deploy: Worker \"gateway\" has no version 7 in production; it has [1, 2]. Upload one with:"
                + " jworkers versions upload -c CONFIG\n", refused("versions", "deploy", "gateway", "7@10", "1").err());
        assertEquals("jworkers secret: Cannot set secret TOKEN of \"gateway\" in production: traffic is split between versions 2 (30 %)"
                + " and 1 (70 %), and a secret change makes a new version that takes all traffic. Finish the split first (jworkers"
                + " versions deploy gateway 2@100) or end it (jworkers rollback gateway).\n",
                host.cli("value", "secret", "put", "gateway", "TOKEN").err());
        String versions = ok("versions", "gateway").out();
        assertTrue(versions.contains("Traffic is split: version 2 at 30 %, version 1 at 70 %"), "nothing changed: " + versions);

        assertEquals("Rolled back gateway in production: version 1 is current\n", ok("rollback", "gateway").out());
        assertEquals(Set.of("gateway@1(a)"), new HashSet<>(many(300, i -> new String[0])));
        assertTrue(!ok("versions", "gateway").out().contains("Traffic is split"));
    }

    @Test
    void aWorkerFirstUploadedTakesTrafficWhenItsVersionIsDeployed() throws Exception {
        ok("versions", "upload", "-c", hop("gateway", null, "fetch", "a").toString(), "-m", "first");
        assertEquals(404, client.send(HttpRequest.newBuilder(URI.create(host.url() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "an uploaded version takes no traffic");
        assertEquals("jworkers versions deploy: Worker \"nobody\" has no versions in production. Upload one with: jworkers"
                + " versions upload -c CONFIG, or deploy it: jworkers deploy -c CONFIG. Deployed workers: gateway\n",
                refused("versions", "deploy", "nobody", "1@100").err());
        assertEquals("Deployed gateway in production: version 1 at 100 %\n", ok("versions", "deploy", "gateway", "1").out());
        assertEquals("gateway@1(a)", get());
    }

    @Test
    void versionsOfASplitMustDeclareTheSameRoutes() throws Exception {
        ok("deploy", "-c", hop("gateway", null, "fetch", "a").toString());
        Path other = WorkerDirs.config(work, "gateway-routes", """
                { "name": "gateway", "classpath": [%s], "routes": ["/api/*"], "vars": { "NAME": "gateway", "TAG": "r" } }
                """.formatted(json(Fixtures.classes("hop"))));
        ok("versions", "upload", "-c", other.toString());
        assertEquals("jworkers versions deploy: Versions 2 and 1 of \"gateway\" declare different routes ([/api/*] and [/*]); a split"
                + " sends one route's requests to both, so they must declare the same. Deploy the new version at 100 % instead:"
                + " jworkers versions deploy gateway 2@100\n", refused("versions", "deploy", "gateway", "2@10", "1@90").err());
        assertEquals("gateway@1(a)", get());
    }
}
