package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route belongs to one worker of an environment: a deploy that declares a route another worker
 * serves is refused, naming that worker (as Wrangler refuses routes assigned to another worker),
 * unless {@code --take-routes} moves it; {@code services} shows who serves what; {@code delete}
 * removes a worker nothing binds to.
 */
class RouteOwnershipTest {

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness host;

    @BeforeEach
    void start() {
        host = ServeHarness.start(state, work);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private Path hello(String name, String routes, String extra) {
        return WorkerDirs.config(work, name, """
                { "name": "%s", "classpath": [%s], "routes": [%s], "vars": { "WHO": "%s" } %s }
                """.formatted(name, json(Fixtures.classes("hello")), routes, name, extra));
    }

    private ServeHarness.Cli ok(ServeHarness.Cli result) {
        assertEquals(0, result.code(), result.out() + result.err());
        return result;
    }

    private String who(String path) {
        return Http.get(host.url() + path).body().replaceAll(" at .*", "");
    }

    private Set<String> stateFiles() throws IOException {
        try (Stream<Path> files = Files.walk(state)) {
            return files.map(p -> state.relativize(p).toString()).filter(p -> !p.startsWith("staging"))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    @Test
    void aRouteServedByAnotherWorkerRefusesTheDeployNamingItsOwnerAndChangesNothing() throws Exception {
        ok(host.cli("", "deploy", "-c", hello("alpha", "\"/*\", \"/a\"", "").toString()));
        Set<String> before = stateFiles();

        ServeHarness.Cli refused = host.cli("", "deploy", "-c", hello("beta", "\"/*\", \"/a\", \"/b\"", "").toString());
        assertEquals(1, refused.code());
        assertEquals("jworkers deploy: Deploy of \"beta\" refused: its routes /* (served by \"alpha\"), /a (served by \"alpha\")"
                + " in production belong to another worker. Remove them from this config or from the other worker's, delete"
                + " that worker (jworkers delete NAME), or pass --take-routes to move them to \"beta\".\n", refused.err());
        assertEquals(before, stateFiles());
        assertEquals("hello from alpha", who("/b"));
        assertEquals("alpha (production)  version 1  running  routes /*, /a\n", ok(host.cli("", "services")).out());
    }

    @Test
    void takeRoutesMovesThemAndServicesShowsWhoServesEachRoute() {
        ok(host.cli("", "deploy", "-c", hello("alpha", "\"/*\", \"/a\"", "").toString()));
        ok(host.cli("", "deploy", "-c", hello("beta", "\"/*\", \"/b\"", "").toString(), "--take-routes"));
        assertEquals("hello from beta", who("/"));
        assertEquals("hello from alpha", who("/a"), "only the routes both declare moved");
        assertEquals("""
                alpha (production)  version 1  running  routes /* (served by beta), /a
                beta (production)  version 1  running  routes /*, /b
                """, ok(host.cli("", "services")).out());

        ServeHarness.Cli back = host.cli("", "deploy", "-c", hello("alpha", "\"/*\", \"/a\"", "").toString());
        assertEquals(1, back.code(), "alpha cannot take it back silently");
        assertTrue(back.err().contains("its route /* (served by \"beta\") in production belongs to another worker."), back.err());

        ok(host.cli("", "deploy", "-c", hello("beta", "\"/*\", \"/b\"", "").toString(), "-m", "redeploy"));
        ok(host.cli("v", "secret", "put", "beta", "KEY"));
        assertEquals("hello from beta", who("/"), "beta keeps what it took across its later versions");

        ok(host.cli("", "deploy", "-c", hello("alpha", "\"/*\", \"/a\"", "").toString(), "--take-routes"));
        assertEquals("hello from alpha", who("/"), "and --take-routes moves it back");
    }

    @Test
    void aRollbackNeverTakesARouteNorBindsToAWorkerThatIsGone() throws Exception {
        ok(host.cli("", "deploy", "-c", hello("alpha", "\"/api/*\"", "").toString()));
        ok(host.cli("", "deploy", "-c", hello("alpha", "\"/a/*\"", "").toString()));
        ok(host.cli("", "deploy", "-c", hello("beta", "\"/api/*\"", "").toString()));
        Set<String> before = stateFiles();
        ServeHarness.Cli route = host.cli("", "rollback", "alpha");
        assertEquals(1, route.code());
        assertEquals("jworkers rollback: Rollback of \"alpha\" to version 1 refused: its route /api/* (served by \"beta\") in"
                + " production belongs to another worker. A rollback never moves a route: deploy \"alpha\" with --take-routes,"
                + " or remove it from the other worker first.\n", route.err());
        assertEquals(before, stateFiles());
        assertEquals("hello from beta", who("/api/x"));

        ok(host.cli("", "deploy", "-c", hello("back", "", "").toString()));
        ok(host.cli("", "deploy", "-c", hello("front", "\"/f/*\"", ", \"services\": [{ \"binding\": \"BACK\", \"service\": \"back\" }]").toString()));
        ok(host.cli("", "deploy", "-c", hello("front", "\"/f/*\"", "").toString()));
        ok(host.cli("", "delete", "back"));
        ServeHarness.Cli bound = host.cli("", "rollback", "front");
        assertEquals("jworkers rollback: Deploy of \"front\" refused: binding BACK targets worker \"back\" in production, which"
                + " is not deployed. Deployed workers: alpha, beta, front. Deploy the targets first.\n", bound.err());
    }

    @Test
    void aRefusedTakeTakesNothingAndLogsNothing() throws Exception {
        ok(host.cli("", "deploy", "-c", hello("alpha", "\"/*\"", "").toString()));
        try (LogCapture log = LogCapture.of("jworkers")) {
            ServeHarness.Cli refused = host.cli("", "deploy", "-c", hello("beta", "\"/*\"",
                    ", \"secrets\": { \"required\": [\"MISSING\"] }").toString(), "--take-routes");
            assertEquals(1, refused.code());
            assertEquals(List.of(), log.messagesWith("route"), "no route was taken");
            ok(host.cli("", "deploy", "-c", hello("beta", "\"/*\"", "").toString(), "--take-routes"));
            assertEquals(List.of("[beta] took route /* in production from alpha"), log.messagesWith("took route"));
        }
        assertEquals("hello from beta", who("/"));
    }

    @Test
    void aDeletedWorkerFinishesTheRequestsItIsServingBeforeItsBundleGoes() throws Exception {
        ok(host.cli("", "deploy", "-c", hello("slowpoke", "\"/*\"", "").toString()));
        String bundle = host.serve().store().current("slowpoke", "production").orElseThrow().info().sha256();
        CompletableFuture<java.net.http.HttpResponse<String>> slow = CompletableFuture.supplyAsync(
                () -> Http.get(host.url() + "/slow?ms=1500"));
        Thread.sleep(300); // the request is in the worker
        ok(host.cli("", "delete", "slowpoke"));
        java.net.http.HttpResponse<String> finished = slow.get(30, TimeUnit.SECONDS);
        assertEquals(200, finished.statusCode());
        assertEquals("late hello from slowpoke", finished.body(), "a class loaded after the delete still loads");
        Path folder = state.resolve("bundles").resolve(bundle);
        Await.until(() -> !Files.exists(folder)); // the bundle goes once the version has drained and closed
        assertFalse(Files.exists(folder), "the deleted worker's bundle is collected");
    }

    @Test
    void deleteIsRefusedWhileAWorkerBindsToItAndThenRemovesTheWorkerAndItsRoutes() throws Exception {
        ok(host.cli("", "deploy", "-c", hello("back", "", "").toString()));
        Path front = hello("front", "\"/*\"", ", \"services\": [{ \"binding\": \"BACK\", \"service\": \"back\" }],"
                + " \"env\": { \"staging\": { \"services\": [] } }");
        ok(host.cli("", "deploy", "-c", front.toString()));
        ok(host.cli("", "deploy", "-c", front.toString(), "--env", "staging"));
        Set<String> before = stateFiles();

        ServeHarness.Cli bound = host.cli("", "delete", "back");
        assertEquals(1, bound.code());
        assertEquals("jworkers delete: Cannot delete \"back\" from production: front (production, binding BACK) binds to it."
                + " Deploy it without the binding, or delete it, first.\n", bound.err());
        ServeHarness.Cli unknown = host.cli("", "delete", "nobody");
        assertEquals("jworkers delete: Worker \"nobody\" is not deployed in production. Deployed workers: back, front\n", unknown.err());
        assertEquals(before, stateFiles());

        assertEquals("Deleted front from production\n", ok(host.cli("", "delete", "front")).out());
        assertEquals(404, Http.get(host.url() + "/").statusCode());
        assertEquals("hello from front", Http.get(host.url() + "/", "host", "staging.localhost").body().replaceAll(" at .*", ""),
                "its preview environment stays");
        ok(host.cli("", "delete", "back"));
        assertEquals("front (staging)  version 1  running  routes /*\n", ok(host.cli("", "services")).out());
        ServeHarness.Cli gone = host.cli("", "versions", "back");
        assertEquals("jworkers versions: worker \"back\" has no versions in production; jworkers services lists the deployed"
                + " workers\n", gone.err());
        String again = ok(host.cli("", "deploy", "-c", hello("back", "", "").toString())).out();
        assertTrue(again.contains("Deployed back version 1 to production"), "a deleted worker starts again at 1: " + again);
    }
}
