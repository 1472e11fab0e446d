package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import io.jworkers.runtime.worker.LoadedWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each environment of a worker has its own vars and secrets: one private worker
 * deployed to production and to a preview environment ({@code --env staging}) with different vars
 * and secrets, reached by a public worker through two bindings that name each environment. Each
 * sees only its own; the caller sees neither's; changing a preview secret leaves production alone.
 */
class EnvironmentIsolationTest {

    private static final String PROD_TOKEN = "prod-token-value";
    private static final String STAGING_TOKEN = "staging-token-value";
    private static final String STAGING_ONLY = "staging-only-value";

    @TempDir
    Path state;
    @TempDir
    Path work;

    @Test
    void productionAndAPreviewEnvironmentEachSeeOnlyTheirOwnVarsAndSecrets() throws Exception {
        Path probe = WorkerDirs.config(work, "probe", """
                { "name": "probe", "classpath": [%s],
                  "vars": { "COLOR": "blue", "ONLY_PROD": "p" }, "secrets": { "required": ["TOKEN"] },
                  "env": { "staging": { "vars": { "COLOR": "green", "ONLY_STAGING": "s" },
                                        "secrets": { "required": ["TOKEN", "STAGING_ONLY"] } } } }
                """.formatted(json(Fixtures.classes("envprobe"))));
        Path front = WorkerDirs.config(work, "front", """
                { "name": "front", "classpath": [%s], "routes": ["/*"], "vars": { "FRONT": "f" },
                  "services": [{ "binding": "PROD", "service": "probe", "environment": "production" },
                               { "binding": "STAGING", "service": "probe", "environment": "staging" }] }
                """.formatted(json(Fixtures.classes("relay"))));

        try (ServeHarness host = ServeHarness.start(state, work)) {
            ok(host.cli(PROD_TOKEN, "secret", "put", "probe", "TOKEN", "--create"));
            ok(host.cli(STAGING_TOKEN, "secret", "put", "probe", "TOKEN", "--env", "staging", "--create"));
            ok(host.cli(STAGING_ONLY, "secret", "put", "probe", "STAGING_ONLY", "--env", "staging", "--create"));
            ok(host.cli("front-secret-value", "secret", "put", "front", "FRONT_SECRET", "--create"));
            ok(host.cli("", "deploy", "-c", probe.toString()));
            ok(host.cli("", "deploy", "-c", probe.toString(), "--env", "staging"));
            ok(host.cli("", "deploy", "-c", front.toString()));

            assertEquals("vars=[COLOR, ONLY_PROD] secrets=[TOKEN]", via(host, "PROD", "/names"));
            assertEquals("vars=[COLOR, ONLY_STAGING] secrets=[STAGING_ONLY, TOKEN]", via(host, "STAGING", "/names"));
            assertEquals("vars=[FRONT] secrets=[FRONT_SECRET]", Http.get(host.url() + "/names").body(), "the caller sees neither's");

            assertEquals("blue", via(host, "PROD", "/var?name=COLOR"));
            assertEquals("green", via(host, "STAGING", "/var?name=COLOR"));
            assertEquals("p", via(host, "PROD", "/var?name=ONLY_PROD"));
            assertEquals("(none)", via(host, "STAGING", "/var?name=ONLY_PROD"));
            assertEquals("(none)", via(host, "PROD", "/var?name=ONLY_STAGING"));
            assertEquals("s", via(host, "STAGING", "/var?name=ONLY_STAGING"));
            assertEquals(sha256(PROD_TOKEN), via(host, "PROD", "/secret-sha?name=TOKEN"));
            assertEquals(sha256(STAGING_TOKEN), via(host, "STAGING", "/secret-sha?name=TOKEN"));
            assertEquals("(none)", via(host, "PROD", "/secret-sha?name=STAGING_ONLY"));
            assertEquals(sha256(STAGING_ONLY), via(host, "STAGING", "/secret-sha?name=STAGING_ONLY"));
            assertEquals("(none)", via(host, "PROD", "/secret-sha?name=FRONT_SECRET"));
            assertEquals("(none)", via(host, "STAGING", "/secret-sha?name=FRONT_SECRET"));

            assertEquals("""
                    front (production)  version 1  running  routes /*
                      env.PROD (probe)  Worker  production [connected]
                      env.STAGING (probe)  Worker  staging [connected]
                    probe (production)  version 1  running  private
                    probe (staging)  version 1  running  private
                    """, host.cli("", "services").out());

            // Rotating the preview's secret and redeploying the preview leave production as it was.
            LoadedWorker production = host.serve().host().worker("probe").orElseThrow();
            ok(host.cli("rotated-staging-token", "secret", "put", "probe", "TOKEN", "--env", "staging"));
            ok(host.cli("", "deploy", "-c", probe.toString(), "--env", "staging"));
            assertEquals(sha256("rotated-staging-token"), via(host, "STAGING", "/secret-sha?name=TOKEN"));
            assertEquals(sha256(PROD_TOKEN), via(host, "PROD", "/secret-sha?name=TOKEN"));
            assertSame(production, host.serve().host().worker("probe").orElseThrow(), "production was not reloaded");
            assertEquals(1, host.serve().store().versions("probe", "production").size());
            assertEquals(List.of("Secret TOKEN changed", "(none)"), host.serve().store().versions("probe", "staging").stream()
                    .skip(1).map(v -> v.message() == null ? "(none)" : v.message()).toList(), "the rotation is a version of its own");
        }
    }

    private static String via(ServeHarness host, String binding, String path) {
        var response = Http.get(host.url() + "/via/" + binding + path);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static void ok(ServeHarness.Cli result) {
        assertEquals(0, result.code(), result.out() + result.err());
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
