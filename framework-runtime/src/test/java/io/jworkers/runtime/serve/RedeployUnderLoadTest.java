package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is lost across redeploys: a real {@code serve} host takes 20 redeploys through
 * the CLI and the admin API, of a private backend (two builds, same class names) and of the public
 * gateway-like worker in front of it, while client threads keep sending requests over real HTTP.
 * Every request must answer 200 with a body of one of the deployed versions.
 */
class RedeployUnderLoadTest {

    private static final int CLIENTS = 12;
    private static final int REDEPLOYS = 20;
    private static final Pattern BODY = Pattern.compile("front=(a|b) back=(v1|v2) rpc=x@(v1|v2)");

    @TempDir
    Path state;
    @TempDir
    Path work;

    private Path back(String build) {
        return WorkerDirs.config(work, "back-" + build, "{ \"name\": \"back\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("backend-" + build))));
    }

    private Path front(String tag) {
        return WorkerDirs.config(work, "front-" + tag, """
                { "name": "front", "classpath": [%s], "routes": ["/*"],
                  "services": [{ "binding": "BACK", "service": "back" }], "vars": { "FRONT": "%s" } }
                """.formatted(json(Fixtures.classes("relay")), tag));
    }

    @Test
    void twentyRedeploysUnderLoadLoseNoRequest() throws Exception {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            deploy(host, back("v1"));
            deploy(host, front("a"));
            assertEquals("front=a back=v1 rpc=x@v1", Http.get(host.url() + "/").body());

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(host.url() + "/")).timeout(Duration.ofSeconds(30)).build();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong completed = new AtomicLong();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            Map<String, LongAdder> bodies = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Thread.ofPlatform().name("load-" + i).start(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 200 || !BODY.matcher(response.body()).matches()) {
                                failures.add(response.statusCode() + " " + response.body());
                            } else {
                                bodies.computeIfAbsent(response.body(), b -> new LongAdder()).increment();
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                        completed.incrementAndGet();
                    }
                }));
            }

            long startNanos = System.nanoTime();
            awaitMoreRequests(completed, 100);
            int backDeploys = 0;
            int frontDeploys = 0;
            String backBuild = "v1";
            String frontTag = "a";
            for (int k = 1; k <= REDEPLOYS; k++) {
                if (k % 4 == 0) {
                    frontTag = ++frontDeploys % 2 == 1 ? "b" : "a";
                    deploy(host, front(frontTag));
                } else {
                    backBuild = ++backDeploys % 2 == 1 ? "v2" : "v1";
                    deploy(host, back(backBuild));
                }
                // The swap is atomic and done when the deploy answers: a request sent now sees the new version.
                Matcher now = BODY.matcher(Http.get(host.url() + "/").body());
                assertTrue(now.matches());
                assertEquals(List.of(frontTag, backBuild, backBuild), List.of(now.group(1), now.group(2), now.group(3)),
                        "right after deploy " + k);
                awaitMoreRequests(completed, 30);
            }
            running.set(false);
            for (Thread thread : clients) {
                thread.join(60_000);
            }
            long millis = (System.nanoTime() - startNanos) / 1_000_000;

            System.out.printf("redeploy load: %d requests from %d clients across %d redeploys in %d ms, %d failed%n",
                    completed.get(), CLIENTS, REDEPLOYS, millis, failures.size());
            new TreeMap<>(bodies).forEach((body, count) -> System.out.println("  " + count + "  " + body));
            assertEquals(List.of(), failures.stream().limit(20).toList(), failures.size() + " of " + completed.get() + " requests failed");
            assertEquals(completed.get(), bodies.values().stream().mapToLong(LongAdder::sum).sum());
            for (String version : List.of("front=a ", "front=b ", "back=v1 ", "back=v2 ", "rpc=x@v1", "rpc=x@v2")) {
                assertTrue(bodies.keySet().stream().anyMatch(body -> body.contains(version)),
                        "the load saw " + version.strip() + ": " + bodies.keySet());
            }
            assertEquals("front=" + frontTag + " back=" + backBuild + " rpc=x@" + backBuild, Http.get(host.url() + "/").body());
            assertEquals("front=b back=v2 rpc=x@v2", Http.get(host.url() + "/").body(), "the last deploys were back v2, front b");
            assertEquals(List.of(backDeploys + 1, frontDeploys + 1), List.of(
                    host.serve().store().current("back", "production").orElseThrow().info().number(),
                    host.serve().store().current("front", "production").orElseThrow().info().number()));
        }
    }

    private static void deploy(ServeHarness host, Path config) {
        ServeHarness.Cli result = host.cli("", "deploy", "-c", config.toString());
        assertEquals(0, result.code(), result.out() + result.err());
    }

    private static void awaitMoreRequests(AtomicLong completed, long more) throws InterruptedException {
        long target = completed.get() + more;
        for (int i = 0; i < 2000 && completed.get() < target; i++) {
            Thread.sleep(5);
        }
    }
}
