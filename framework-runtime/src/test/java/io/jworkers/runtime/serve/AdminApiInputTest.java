package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.cli.Main;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The admin API meets bad input at its door: names, environments, versions and flags that cannot
 * be valid get 400 with what a good one looks like (never a 500 and a stack trace), a message
 * cannot forge log lines, an unknown path says which port the admin API is on, and a host does
 * not start with a token short enough to guess.
 */
class AdminApiInputTest {

    private static final String AUTH = "Bearer " + ServeHarness.TOKEN;

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness host;
    private LogCapture log;

    @BeforeEach
    void start() {
        log = LogCapture.of("jworkers");
        host = ServeHarness.start(state, work);
        Path hello = WorkerDirs.config(work, "hello", """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "v1" } }
                """.formatted(json(Fixtures.classes("hello"))));
        assertEquals(0, host.cli("", "deploy", "-c", hello.toString()).code());
    }

    @AfterEach
    void stop() {
        host.close();
        log.close();
    }

    private HttpResponse<String> admin(String method, String path) {
        return Http.send(method, host.adminUrl() + path, "", "authorization", AUTH);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST|/v1/workers/Hello/rollback|Invalid worker name \\\"Hello\\\": use lowercase letters",
        "GET|/v1/workers/hello/versions?env=Staging|Invalid environment name \\\"Staging\\\" (?env=): use lowercase letters, digits and '-'",
        "GET|/v1/workers/hello/versions?env=a_b|Invalid environment name \\\"a_b\\\" (?env=)",
        "POST|/v1/workers/hello/rollback?version=abc|A version is a positive number (see jworkers versions), not \\\"abc\\\"",
        "POST|/v1/workers/hello/rollback?version=0|A version is a positive number (see jworkers versions), not \\\"0\\\"",
        "POST|/v1/workers/hello/rollback?version=99999999999|A version is a positive number (see jworkers versions), not \\\"99999999999\\\"",
        "POST|/v1/workers/hello/rollback?version=-1|A version is a positive number (see jworkers versions), not \\\"-1\\\"",
        "PUT|/v1/workers/hello/secrets/1bad|Invalid secret name \\\"1bad\\\": use letters, digits",
        "POST|/v1/workers/hello/promote?from=Staging|Invalid environment name \\\"Staging\\\" (?from=)",
        "POST|/v1/workers/hello/versions?take-routes=maybe|?take-routes= is true or false, not \\\"maybe\\\"",
        "PUT|/v1/workers/hello/secrets/KEY?create=yes|?create= is true or false, not \\\"yes\\\"",
    })
    void badParametersGet400WithWhatAGoodOneLooksLikeAndChangeNothing(String method, String path, String error) {
        HttpResponse<String> response = admin(method, path);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"error\":\"" + error), response.body());
        assertEquals(1, host.serve().store().versions("hello", "production").size());
        assertTrue(log.records().stream().noneMatch(record -> record.getThrown() != null), "no stack trace logged");
    }

    @Test
    void aMessageWithLineBreaksStaysOnOneLineInTheStoreTheListingAndTheLog() {
        String forged = "release 2\n2026-11-30T00:00:00Z INFO  ingress GET /admin 200 0.1ms\r\u001b[2Kcleared";
        HttpResponse<String> rollback = admin("POST", "/v1/workers/hello/rollback?version=1");
        assertEquals(200, rollback.statusCode(), rollback.body());
        HttpResponse<String> secret = Http.send("PUT", host.adminUrl() + "/v1/workers/hello/secrets/KEY", "v", "authorization", AUTH);
        assertEquals(200, secret.statusCode(), secret.body());
        assertEquals(0, host.cli("", "deploy", "-c", work.resolve("hello/worker.jsonc").toString(), "-m", forged).code());

        String stored = host.serve().store().versions("hello", "production").get(2).message();
        assertEquals("release 2 2026-11-30T00:00:00Z INFO ingress GET /admin 200 0.1ms [2Kcleared", stored);
        for (String line : log.messages()) {
            assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u001b"), line);
        }
        assertTrue(log.messages().contains("[hello] version 3 of production is live: " + stored), log.messages().toString());
        String listing = host.cli("", "versions", "hello").out();
        assertEquals(5, listing.lines().count(), listing);

        HttpResponse<String> tooLong = admin("POST", "/v1/workers/hello/rollback?version=1&message="
                + URLEncoder.encode("x".repeat(1001), StandardCharsets.UTF_8));
        assertEquals(200, tooLong.statusCode(), "rollback takes no message");
        HttpResponse<String> promoteLong = admin("POST", "/v1/workers/hello/promote?from=production&to=staging&message="
                + "x".repeat(1001));
        assertEquals(400, promoteLong.statusCode());
        assertEquals("{\"error\":\"The message is 1001 characters; a version message may have at most 1000. Shorten it.\"}",
                promoteLong.body());
    }

    @Test
    void anUnknownPathAndTheCliPointedAtThePublicPortSayWhereTheAdminApiIs() throws Exception {
        HttpResponse<String> unknown = admin("GET", "/v1/nothing");
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"error\":\"No admin API at GET /v1/nothing; is --host the admin port (default 9090), not the public"
                + " one?\"}", unknown.body());

        ServeHarness.Cli wrongPort = ServeHarness.cli(host.url(), host.tokenFile(), "", "services");
        assertEquals(1, wrongPort.code());
        assertEquals("jworkers services: the server at " + host.url() + " answered 200 with something that is not the admin"
                + " API's JSON: is --host the admin port of jworkers serve (default 9090; serve prints it as \"admin API on"
                + " ...\"), not its public port?\n", wrongPort.err());

        ServeHarness.Cli missing = ServeHarness.cli(host.adminUrl(), work.resolve("no-such-token"), "", "services");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("jworkers services: the token file " + work.resolve("no-such-token")
                + " does not exist; write the host's admin token into it (chmod 600), or set JWORKERS_ADMIN_TOKEN\n"), missing.err());
    }

    @Test
    void aHostDoesNotStartWithAShortTokenAndWarnsWhenItsAdminApiLeavesLoopback() throws Exception {
        Path shortToken = Files.writeString(work.resolve("short-token"), "dev-token\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("serve", "--state", work.resolve("other-state").toString(), "--token-file", shortToken.toString()),
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(1, code);
        assertEquals("jworkers serve: the admin token is 9 characters long; use at least 16 (anyone who guesses it can deploy"
                + " code), e.g. openssl rand -hex 32 > admin-token && chmod 600 admin-token, then --token-file admin-token\n",
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(work.resolve("other-state")), "nothing was opened");

        Path token = work.resolve("new/admin-token");
        try (ForkedHost exposed = ForkedHost.serve(List.of("-XX:TieredStopAtLevel=1"), work.resolve("exposed"), token,
                List.of("--admin-ip", "0.0.0.0"))) {
            assertTrue(exposed.output().stream().anyMatch(line -> line.contains("WARN") && line.contains("the admin API listens"
                    + " on 0.0.0.0 without TLS: the admin token and secrets cross the network in clear text.")),
                    exposed.output().toString());
            // A token file that does not exist yet is made, with a random token only its owner can read.
            assertTrue(exposed.output().stream().anyMatch(line -> line.contains("wrote a new admin token to " + token
                    + " (readable by you only)")), exposed.output().toString());
            assertTrue(Files.readString(token).matches("[0-9a-f]{64}\n"));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
            assertEquals(0, ServeHarness.cli(exposed.adminUrl(), token, "", "services").code());
        }
    }
}
