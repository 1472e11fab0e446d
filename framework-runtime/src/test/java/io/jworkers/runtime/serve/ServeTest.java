package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.cli.Main;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jworkers serve} driven through the CLI as a user drives it: deploy, versions, rollback,
 * secrets, services; refused deploys change nothing; the admin API wants its token; a restarted
 * host comes back with what was deployed.
 */
class ServeTest {

    private static final String TOKEN = "admin-token-for-tests";

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHost serve;
    private IngressServer ingress;
    private AdminServer admin;
    private Path tokenFile;

    private record Result(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        tokenFile = Files.writeString(work.resolve("token"), TOKEN + "\n");
        startHost();
    }

    private void startHost() {
        serve = ServeHost.open(state);
        ingress = IngressServer.start(IngressSettings.defaults("127.0.0.1", 0), serve, serve.host().requests());
        admin = AdminServer.start("127.0.0.1", 0, serve, TOKEN);
    }

    @AfterEach
    void stop() {
        admin.close();
        ingress.close();
        serve.close();
    }

    private String url() {
        return "http://127.0.0.1:" + ingress.port();
    }

    private Result cli(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--host", "http://127.0.0.1:" + admin.port(), "--token-file", tokenFile.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path hello(String folder, String who, String extra) {
        return WorkerDirs.config(work, folder, """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "%s" } %s }
                """.formatted(json(Fixtures.classes("hello")), who, extra));
    }

    @Test
    void deployVersionsAndRollbackThroughTheCli() {
        Result first = cli("", "deploy", "-c", hello("v1", "v1", "").toString(), "--message", "first release");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().matches("(?s)Deploying hello to production \\(bundle \\d+ KiB\\)\\.\\.\\.\\n"
                + "Deployed hello version 1 to production \\(sha256 [0-9a-f]{12}\\)\\n"), first.out());
        assertTrue(Http.get(url() + "/").body().startsWith("hello from v1 at /"));

        assertEquals(0, cli("", "deploy", "-c", hello("v2", "v2", "").toString(), "-m", "second").code());
        assertTrue(Http.get(url() + "/").body().startsWith("hello from v2 at /"));

        String versions = cli("", "versions", "hello").out();
        List<String> rows = versions.lines().filter(line -> !line.startsWith("(")).toList();
        assertEquals(1, rows.stream().map(row -> row.indexOf(row.contains("SHA256") ? "SHA256" : row.split(" +")[
                row.contains("*") ? 4 : 3])).distinct().count(), "the SHA256 column is aligned: " + versions);
        assertTrue(versions.matches("(?s)VERSION +TRAFFIC +CREATED +SHA256 +MESSAGE\\n1 +- +\\S+ +[0-9a-f]{12} +first release\\n"
                + "2 \\* +100% +\\S+ +[0-9a-f]{12} +second\\n\\(\\* = current in production\\)\\n"), versions);

        assertEquals("Rolled back hello in production: version 1 is current\n", cli("", "rollback", "hello").out());
        assertTrue(Http.get(url() + "/").body().startsWith("hello from v1 at /"));
        assertEquals("Rolled back hello in production: version 2 is current\n", cli("", "rollback", "hello", "2").out());
        assertTrue(Http.get(url() + "/").body().startsWith("hello from v2 at /"));

        Result unknown = cli("", "rollback", "hello", "7");
        assertEquals(1, unknown.code());
        assertEquals("jworkers rollback: Worker \"hello\" has no version 7 in production; it has [1, 2]. See jworkers versions hello\n",
                unknown.err());
    }

    @Test
    void aDeployWhoseBindingTargetsAMissingWorkerIsRefusedAndChangesNothing() {
        assertEquals(0, cli("", "deploy", "-c", hello("v1", "v1", "").toString()).code());
        Path front = WorkerDirs.config(work, "front", """
                { "name": "front", "classpath": [%s], "vars": { "WHO": "front" }, "services": [{ "binding": "BACK", "service": "back" }] }
                """.formatted(json(Fixtures.classes("hello"))));
        Result refused = cli("", "deploy", "-c", front.toString());
        assertEquals(1, refused.code());
        assertEquals("jworkers deploy: Deploy of \"front\" refused: binding BACK targets worker \"back\" in production, which is "
                + "not deployed. Deployed workers: hello. Deploy the targets first.\n", refused.err());
        assertFalse(cli("", "services").out().contains("front"));
        assertEquals(List.of("hello"), serve.store().workers());
    }

    @Test
    void aRequiredSecretMustBeSetBeforeTheDeployAndIsNeverListed() {
        Path needs = hello("needs", "v1", ", \"secrets\": { \"required\": [\"API_KEY\"] }");
        Result refused = cli("", "deploy", "-c", needs.toString());
        assertEquals(1, refused.code());
        assertEquals("jworkers deploy: Deploy of \"hello\" refused: it requires secret API_KEY, not set in production. "
                + "Set it with: jworkers secret put hello API_KEY --create (or deploy with --secrets-file FILE)\n", refused.err());

        assertEquals("Secret API_KEY of hello set in production for its first deploy\n",
                cli("s3cr3t-value", "secret", "put", "hello", "API_KEY", "--create").out());
        assertEquals(0, cli("", "deploy", "-c", needs.toString()).code());
        assertFalse(cli("", "services").out().contains("s3cr3t-value"));
        assertFalse(cli("", "versions", "hello").out().contains("s3cr3t-value"));
    }

    @Test
    void theAdminApiRefusesRequestsWithoutTheToken() {
        String adminUrl = "http://127.0.0.1:" + admin.port() + "/v1/services";
        assertEquals(401, Http.get(adminUrl).statusCode());
        assertEquals(401, Http.get(adminUrl, "authorization", "Bearer wrong").statusCode());
        assertEquals(200, Http.get(adminUrl, "authorization", "Bearer " + TOKEN).statusCode());
    }

    @Test
    void servicesShowsEachWorkerWithItsBoundServices() {
        assertEquals(0, cli("", "deploy", "-c", hello("v1", "v1", "").toString()).code());
        Path multi = WorkerDirs.config(work, "multi", """
                { "name": "multi", "classpath": [%s], "main": "io.fixture.twoentries.FirstWorker" }
                """.formatted(json(Fixtures.classes("twoentries"))));
        assertEquals(0, cli("", "deploy", "-c", multi.toString()).code());
        Path front = WorkerDirs.config(work, "front", """
                { "name": "front", "classpath": [%s], "vars": { "WHO": "front" }, "services": [{ "binding": "HELLO", "service": "hello" },
                  { "binding": "SECOND", "service": "multi", "entrypoint": "SecondWorker" }] }
                """.formatted(json(Fixtures.classes("hello"))));
        assertEquals(0, cli("", "deploy", "-c", front.toString()).code());
        assertEquals("""
                front (production)  version 1  running  private
                  env.HELLO (hello)  Worker  production [connected]
                  env.SECOND (multi#SecondWorker)  Worker  production [connected]
                hello (production)  version 1  running  routes /*
                multi (production)  version 1  running  private
                """, cli("", "services").out(), "a named entrypoint is shown as dev shows it: (service#Entrypoint)");
    }

    @Test
    void aRestartedHostServesTheLastDeployment() {
        assertEquals(0, cli("", "deploy", "-c", hello("v1", "v1", "").toString()).code());
        assertEquals(0, cli("", "deploy", "-c", hello("v2", "v2", "").toString()).code());
        stop();
        startHost();
        assertTrue(Http.get(url() + "/").body().startsWith("hello from v2 at /"));
        assertTrue(cli("", "versions", "hello").out().contains("2 *"));
    }

    private Path helloIn(String folder, String extra) {
        return WorkerDirs.config(work, folder, """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "prod" },
                  "env": { "staging": { "vars": { "WHO": "staging" } }, "canary": { "vars": { "WHO": "canary", "FLAKY": "yes" } } }
                  %s }
                """.formatted(json(Fixtures.classes("hello")), extra));
    }

    @Test
    void aPreviewEnvironmentAnswersOnItsOwnHostNameWithItsOwnVarsAndSecrets() {
        Path config = helloIn("envs", ", \"secrets\": { \"required\": [\"API_KEY\"] }");
        assertEquals(0, cli("prod-key", "secret", "put", "hello", "API_KEY", "--create").code());
        Result put = cli("staging-key", "secret", "put", "hello", "API_KEY", "--env", "staging", "--create");
        assertEquals(0, put.code(), put.err());
        assertEquals(0, cli("", "deploy", "-c", config.toString()).code());
        Result staging = cli("", "deploy", "-c", config.toString(), "--env", "staging", "-m", "try it");
        assertEquals("Deploying hello to staging", staging.out().substring(0, 26));
        Path extra = WorkerDirs.config(work, "extra", """
                { "name": "extra", "classpath": [%s], "routes": ["/extra/*"], "vars": { "WHO": "extra" }, "env": { "staging": {} } }
                """.formatted(json(Fixtures.classes("hello"))));
        assertEquals(0, cli("", "deploy", "-c", extra.toString(), "--env", "staging").code());

        assertTrue(Http.get(url() + "/a").body().startsWith("hello from prod at /a"));
        assertTrue(Http.get(url() + "/a", "host", "staging.localhost").body().startsWith("hello from staging at /a"));
        assertTrue(Http.get(url() + "/a", "host", "Staging.example.com:8080").body().startsWith("hello from staging at /a"));
        assertTrue(Http.get(url() + "/a", "host", "other.localhost").body().startsWith("hello from prod at /a"),
                "a host name that names no environment is production");
        assertTrue(Http.get(url() + "/extra/x", "host", "staging.localhost").body().startsWith("hello from extra at /extra/x"));
        assertTrue(Http.get(url() + "/extra/x").body().startsWith("hello from prod at /extra/x"),
                "a worker deployed only to staging is not public in production");
        assertEquals("secret sha " + Integer.toHexString("prod-key".hashCode()), Http.get(url() + "/secret").body());
        assertEquals("secret sha " + Integer.toHexString("staging-key".hashCode()),
                Http.get(url() + "/secret", "host", "staging.localhost").body());

        String[] prod = Http.get(url() + "/version").body().split(" ");
        assertEquals(List.of("production/1", "1", "production", "[]", "64"), List.of(prod).subList(0, 5));
        String[] preview = Http.get(url() + "/version", "host", "staging.localhost").body().split(" ");
        assertEquals(List.of("staging/1", "1", "staging", "[try", "it]", "64"), List.of(preview).subList(0, 6));
    }

    @Test
    void promoteDeploysOneEnvironmentsCodeWithTheOtherEnvironmentsSettings() {
        assertEquals(0, cli("", "deploy", "-c", hello("old", "prod", "").toString()).code());
        Path staged = helloIn("staged", "");
        Result staging = cli("", "deploy", "-c", staged.toString(), "--env", "staging", "-m", "new code");
        assertEquals(0, staging.code(), staging.err());

        Result promoted = cli("", "promote", "hello", "--from", "staging");
        assertEquals(0, promoted.code(), promoted.err());
        assertEquals("Promoting hello from staging to production...\n"
                + "Promoted hello: version 2 is current in production (Promoted from staging version 1)\n", promoted.out());
        assertTrue(Http.get(url() + "/a").body().startsWith("hello from prod at /a"), "production keeps its vars");
        String version = Http.get(url() + "/version").body();
        assertTrue(version.startsWith("production/2 2 production [Promoted from staging version 1] 64 "), version);
        assertTrue(cli("", "versions", "hello").out().contains("Promoted from staging version 1"));

        Result unknownVersion = cli("", "promote", "hello", "9", "--from", "staging");
        assertEquals(1, unknownVersion.code());
        assertEquals("jworkers promote: Worker \"hello\" has no version 9 in staging; it has [1]. "
                + "See jworkers versions hello --env staging\n", unknownVersion.err());
        Result noTarget = cli("", "promote", "hello", "--from", "staging", "--to", "qa");
        assertEquals(1, noTarget.code());
        assertEquals("jworkers promote: Worker \"hello\" has no version in qa to take its settings (routes, bindings, vars) "
                + "from; deploy it there once with: jworkers deploy -c CONFIG --env qa\n", noTarget.err());
        assertEquals(0, cli("", "deploy", "-c", WorkerDirs.config(work, "only-prod", """
                { "name": "only-prod", "classpath": [%s], "vars": { "WHO": "p" } }
                """.formatted(json(Fixtures.classes("hello")))).toString()).code());
        Result notInSource = cli("", "promote", "only-prod", "--from", "staging");
        assertEquals("jworkers promote: Worker \"only-prod\" is not deployed in staging. Deployed workers: hello\n",
                notInSource.err(), "the workers of the environment named, not production's");
        Result noFrom = cli("", "promote", "hello");
        assertEquals(2, noFrom.code());
        assertTrue(noFrom.err().startsWith("jworkers promote: from which environment? pass --from ENV"), noFrom.err());
        Result withEnv = cli("", "promote", "hello", "--env", "staging");
        assertEquals(2, withEnv.code());
        assertTrue(withEnv.err().startsWith("jworkers promote: a promotion has two environments; name them with --from ENV and --to ENV"),
                withEnv.err());
        assertEquals(2, serve.store().versions("hello", "production").size(), "refused promotions changed nothing");
    }

    @Test
    void theCanaryGatewaySendsAFewRequestsToTheCanaryAndRetriesItsFailuresOnProduction() {
        Path app = helloIn("app", "");
        assertEquals(0, cli("", "deploy", "-c", app.toString()).code());
        assertEquals(0, cli("", "deploy", "-c", app.toString(), "--env", "canary").code());
        String gateway = """
                { "name": "gateway", "classpath": [%s], "routes": ["/*"], "vars": { "CANARY_PERCENT": "%s" },
                  "services": [{ "binding": "PRODUCTION", "service": "hello", "environment": "production" },
                               { "binding": "CANARY", "service": "hello", "environment": "canary" }] }
                """;
        // The gateway takes "/*" from hello, which keeps serving through the bindings.
        assertEquals(0, cli("", "deploy", "-c", WorkerDirs.config(work, "all", gateway.formatted(
                json(Fixtures.classes("canary")), "100")).toString(), "--take-routes").code());
        assertEquals("hello from canary at /a", Http.get(url() + "/a").body().substring(0, 23));
        var retried = Http.get(url() + "/flaky");
        assertEquals(200, retried.statusCode(), "a canary 5xx on GET is retried on production");
        assertEquals("steady prod", retried.body());
        var posted = Http.send("POST", url() + "/flaky", "x");
        assertEquals(500, posted.statusCode(), "a POST is not repeated");
        assertEquals("flaky canary", posted.body());

        assertEquals(0, cli("", "deploy", "-c", WorkerDirs.config(work, "few", gateway.formatted(
                json(Fixtures.classes("canary")), "1")).toString()).code());
        int canary = 0;
        for (int i = 0; i < 2000; i++) {
            if (Http.get(url() + "/a").body().startsWith("hello from canary")) {
                canary++;
            }
        }
        // 1% of 2000 is 20; the chance of falling outside 1..60 by luck is below 1e-8.
        assertTrue(canary >= 1 && canary <= 60, "canary got " + canary + " of 2000");
    }
}
