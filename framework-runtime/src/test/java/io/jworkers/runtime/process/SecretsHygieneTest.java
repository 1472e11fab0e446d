package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets are never printed, logged or listed. A real {@code jworkers serve}
 * process gets secrets through {@code jworkers secret put} (value on stdin), a worker that requires
 * one is deployed, and the host is put through what tends to print things: refused deploys, a
 * worker that throws (stack trace in the log), worker output, requests carrying a secret in a
 * header and in the query, a secret rotation, a rollback, a preview environment. Everything the
 * host printed, every CLI output and every admin listing must be free of the values; the state
 * folder holds them only in the owner-only secret files.
 */
class SecretsHygieneTest {

    private final String secret = "sekrit-" + UUID.randomUUID();
    private final String rotated = "sekrit-rotated-" + UUID.randomUUID();
    private final String staging = "sekrit-staging-" + UUID.randomUUID();

    @TempDir
    Path state;
    @TempDir
    Path work;
    private Path token;
    private final List<String> seen = new ArrayList<>();

    private Path vault(String folder, String required, String extra) {
        return WorkerDirs.config(work, folder, """
                { "name": "vault", "classpath": [%s], "routes": ["/*"], "secrets": { "required": [%s] },
                  "env": { "staging": { "secrets": { "required": ["API_KEY"] } } } %s }
                """.formatted(json(Fixtures.classes("envprobe")), required, extra));
    }

    @Test
    void secretValuesAppearInNoOutputLogOrListing() throws Exception {
        token = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
        ForkedHost host = ForkedHost.serve(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), state, token);
        try (host) {
            Path config = vault("vault", "\"API_KEY\"", "");
            assertEquals(1, cli(host, "", "deploy", "-c", config.toString()).code(), "refused: API_KEY is not set");
            assertEquals("Secret API_KEY of vault set in production for its first deploy\n",
                    cli(host, secret + "\n", "secret", "put", "vault", "API_KEY", "--create").out());
            assertEquals(0, cli(host, "", "deploy", "-c", config.toString(), "-m", "first").code());
            assertEquals(0, cli(host, "", "deploy", "-c", config.toString(), "-m", "second").code());

            assertEquals(200, get(host, "/check", "x-key", secret).statusCode(), "the worker sees its secret");
            assertEquals(sha256(secret), get(host, "/secret-sha?name=API_KEY").body());
            assertEquals(403, get(host, "/check", "x-key", "wrong").statusCode());
            assertEquals("(none)", get(host, "/var?name=" + secret).body(), "a secret in the query is not logged either");
            assertEquals(500, get(host, "/boom", "x-key", secret).statusCode());
            assertEquals("printed", get(host, "/print").body());

            // Refused deploys and commands, each with a message that must not quote a value.
            ServeHarness.Cli more = cli(host, "", "deploy", "-c", vault("more", "\"API_KEY\", \"OTHER_KEY\"", "").toString());
            assertEquals(1, more.code());
            assertTrue(more.err().contains("it requires secret OTHER_KEY, not set in production"), more.err());
            ServeHarness.Cli bound = cli(host, "", "deploy", "-c", vault("bound", "\"API_KEY\"",
                    ", \"services\": [{ \"binding\": \"B\", \"service\": \"nowhere\" }]").toString());
            assertEquals(1, bound.code());
            assertTrue(bound.err().contains("targets worker \"nowhere\""), bound.err());
            assertEquals(1, cli(host, secret, "secret", "put", "vault", "1bad").code());
            assertEquals(1, cli(host, secret, "secret", "put", "Bad_Worker", "API_KEY").code());

            assertEquals(0, cli(host, rotated, "secret", "put", "vault", "API_KEY").code());
            assertEquals(200, get(host, "/check", "x-key", rotated).statusCode(), "the rotated secret is live");
            assertEquals(0, cli(host, staging, "secret", "put", "vault", "API_KEY", "--env", "staging", "--create").code());
            assertEquals(0, cli(host, "", "deploy", "-c", config.toString(), "--env", "staging").code());
            assertEquals(0, cli(host, "", "rollback", "vault").code());
            assertEquals(200, get(host, "/check", "x-key", secret).statusCode(), "a rollback restores that version's secrets");
            assertEquals(403, get(host, "/check", "x-key", rotated).statusCode());

            for (String listing : List.of("/v1/services", "/v1/workers/vault/versions", "/v1/workers/vault/versions?env=staging")) {
                HttpResponse<String> response = Http.get(host.adminUrl() + listing, "authorization", "Bearer " + ServeHarness.TOKEN);
                assertEquals(200, response.statusCode(), listing);
                seen.add(listing + " -> " + response.body());
            }
            assertEquals(0, cli(host, "", "services").code());
            assertEquals(0, cli(host, "", "versions", "vault").code());
            assertEquals(0, cli(host, "", "versions", "vault", "--env", "staging").code());

            host.terminate();
            assertEquals(0, host.waitForExit(30));
        }
        List<String> output = host.output();
        assertTrue(output.stream().anyMatch(line -> line.contains("the probe failed while checking a key")),
                "the worker's failure was logged, with its stack trace: " + output);
        assertTrue(output.contains("[vault] probe handling /print"), output.toString());
        seen.addAll(output);
        System.out.println("secrets hygiene: searched " + seen.size() + " outputs and listings:");
        seen.forEach(text -> System.out.println("  | " + text.strip().replace("\n", "\n  | ")));

        for (String value : List.of(secret, rotated, staging)) {
            List<String> leaks = seen.stream().filter(text -> text.contains(value)).toList();
            assertEquals(List.of(), leaks, "a secret value was printed or listed");
        }

        // On disk: only in secrets/, owner-only; every other file of the state folder is free of them.
        try (Stream<Path> files = Files.walk(state)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                boolean secretFile = file.startsWith(state.resolve("secrets"));
                for (String value : List.of(secret, rotated, staging)) {
                    assertTrue(secretFile || !content.contains(value), file + " holds a secret value");
                }
                if (secretFile) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
                }
            }
        }
        for (String dir : List.of("secrets", "secrets/vault", "secrets/vault/production", "secrets/vault/staging")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(dir))), dir);
        }
        assertEquals(List.of("1.json", "2.json", "3.json"), Files.list(state.resolve("secrets/vault/production"))
                .map(p -> p.getFileName().toString()).sorted().toList(), "each version has its own set");
        assertTrue(Files.readString(state.resolve("secrets/vault/production/3.json")).contains(rotated), "the store holds the rotated value");
    }

    private HttpResponse<String> get(ForkedHost host, String path, String... headers) {
        return Http.get(host.url() + path, headers);
    }

    private ServeHarness.Cli cli(ForkedHost host, String stdin, String... args) {
        ServeHarness.Cli result = ServeHarness.cli(host.adminUrl(), token, stdin, args);
        seen.add(String.join(" ", args) + " -> " + result.out() + result.err());
        return result;
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
