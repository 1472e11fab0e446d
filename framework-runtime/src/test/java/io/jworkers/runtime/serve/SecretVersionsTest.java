package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets are part of a version, as every change of a worker's environment is (the reference:
 * "every time there is a code change or an environment variable is updated, the version number
 * is incremented"): {@code secret put} and {@code secret delete} on a deployed worker make a new
 * version with the same code, {@code versions} says which key changed, a rollback restores the
 * earlier set. Driven through the CLI against a real host over HTTP.
 */
class SecretVersionsTest {

    private static final String ONE = "first-token-value";
    private static final String TWO = "second-token-value";

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
    }

    @AfterEach
    void stop() {
        host.close();
        log.close();
    }

    // "probe" serves every path; any other name is private.
    private Path probe(String name, String required) {
        return WorkerDirs.config(work, name, """
                { "name": "%s", "classpath": [%s], "routes": [%s], "secrets": { "required": [%s] } }
                """.formatted(name, json(Fixtures.classes("envprobe")), name.equals("probe") ? "\"/*\"" : "", required));
    }

    private ServeHarness.Cli ok(ServeHarness.Cli result) {
        assertEquals(0, result.code(), result.out() + result.err());
        return result;
    }

    private String served(String name, String path) {
        assertEquals("probe", name);
        return Http.get(host.url() + path).body();
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private Set<String> stateFiles() throws IOException {
        try (Stream<Path> files = Files.walk(state)) {
            return files.map(p -> state.relativize(p).toString()).filter(p -> !p.startsWith("staging"))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    @Test
    void aSecretChangeOfADeployedWorkerIsANewVersionAndARollbackRestoresTheEarlierSet() throws Exception {
        Path secretsFile = Files.writeString(work.resolve(".secrets"), "# first deploy\nTOKEN=" + ONE + "\n");
        ServeHarness.Cli deployed = ok(host.cli("", "deploy", "-c", probe("probe", "\"TOKEN\"").toString(),
                "--secrets-file", secretsFile.toString(), "-m", "first"));
        assertTrue(deployed.out().startsWith("Deploying probe to production (bundle "), deployed.out());
        assertTrue(deployed.out().contains(" KiB, 1 secret)...\nDeployed probe version 1 to production"), deployed.out());
        assertEquals(sha256(ONE), served("probe", "/secret-sha?name=TOKEN"));

        assertEquals("Secret TOKEN of probe set in production: version 2 is live\n", ok(host.cli(TWO, "secret", "put", "probe", "TOKEN")).out());
        assertEquals(sha256(TWO), served("probe", "/secret-sha?name=TOKEN"));
        ok(host.cli("other", "secret", "put", "probe", "OTHER"));
        assertEquals("OTHER\nTOKEN\n", ok(host.cli("", "secret", "list", "probe")).out());
        assertEquals("Secret OTHER of probe deleted in production: version 4 is live\n",
                ok(host.cli("", "secret", "delete", "probe", "OTHER")).out());
        assertEquals("vars=[] secrets=[TOKEN]", served("probe", "/names"));

        String versions = ok(host.cli("", "versions", "probe")).out();
        List<String> messages = versions.lines().filter(line -> line.matches("\\d.*")).map(line -> line.replaceAll(
                "^(\\d+)( \\*)? +\\S+ +\\S+ +[0-9a-f]{12} *", "$1$2 ")).toList();
        assertEquals(List.of("1 first", "2 Secret TOKEN changed", "3 Secret OTHER set", "4 * Secret OTHER deleted"), messages);
        List<String> hashes = versions.lines().filter(line -> line.matches("\\d.*"))
                .map(line -> line.replaceAll("^.* ([0-9a-f]{12}) .*$", "$1")).distinct().toList();
        assertEquals(1, hashes.size(), "a secret change keeps the code: " + versions);

        assertEquals("Rolled back probe in production: version 1 is current\n", ok(host.cli("", "rollback", "probe", "1")).out());
        assertEquals(sha256(ONE), served("probe", "/secret-sha?name=TOKEN"), "the rollback restored version 1's secrets");
        assertEquals("TOKEN\n", ok(host.cli("", "secret", "list", "probe")).out());

        List<String> lines = log.messages();
        for (String expected : List.of("[probe] version 1 of production is live: first",
                "[probe] version 2 of production is live: Secret TOKEN changed",
                "[probe] version 3 of production is live: Secret OTHER set",
                "[probe] version 4 of production is live: Secret OTHER deleted",
                "[probe] version 1 of production is live: rolled back from version 4")) {
            assertTrue(lines.contains(expected), expected + " in " + lines);
        }
        for (String line : lines) {
            assertFalse(line.contains(ONE) || line.contains(TWO) || line.contains("other\n"), line);
        }
    }

    @Test
    void aSecretForAWorkerNeverDeployedNeedsCreateAndOtherwiseChangesNothing() throws Exception {
        ok(host.cli("", "deploy", "-c", probe("auth", "").toString()));
        Set<String> before = stateFiles();

        ServeHarness.Cli typo = host.cli(ONE, "secret", "put", "probee", "TOKEN");
        assertEquals(1, typo.code());
        assertEquals("jworkers secret: Worker \"probee\" is not deployed in production, so it has no secrets to set. Deployed"
                + " workers: auth. To set a secret before the first deploy, pass --create; or deploy with --secrets-file FILE.\n",
                typo.err());
        assertEquals(before, stateFiles());

        assertEquals("Secret TOKEN of probe set in production for its first deploy\n",
                ok(host.cli(ONE, "secret", "put", "probe", "TOKEN", "--create")).out());
        assertEquals("TOKEN\n", ok(host.cli("", "secret", "list", "probe")).out());
        assertFalse(ok(host.cli("", "services")).out().contains("probe"), "a secret alone deploys nothing");
        ok(host.cli("", "deploy", "-c", probe("probe", "\"TOKEN\"").toString()));
        assertEquals(sha256(ONE), served("probe", "/secret-sha?name=TOKEN"));
        assertEquals(1, host.serve().store().versions("probe", "production").size());
    }

    @Test
    void aSecretTheCurrentVersionRequiresCannotBeDeletedAndAnUnknownOneIsNamed() throws Exception {
        Path secretsFile = Files.writeString(work.resolve(".secrets"), "TOKEN=" + ONE + "\nOTHER=x\n");
        ok(host.cli("", "deploy", "-c", probe("probe", "\"TOKEN\"").toString(), "--secrets-file", secretsFile.toString()));
        Set<String> before = stateFiles();

        ServeHarness.Cli required = host.cli("", "secret", "delete", "probe", "TOKEN");
        assertEquals(1, required.code());
        assertEquals("jworkers secret: Cannot delete secret TOKEN of \"probe\" in production: its current version 1 requires it"
                + " (\"secrets\": { \"required\" }). Deploy a version that does not require it first.\n", required.err());
        ServeHarness.Cli unknown = host.cli("", "secret", "delete", "probe", "NOPE");
        assertEquals("jworkers secret: Worker \"probe\" has no secret NOPE in production; it has: OTHER, TOKEN\n", unknown.err());
        assertEquals(before, stateFiles());
        assertEquals(sha256(ONE), served("probe", "/secret-sha?name=TOKEN"));
    }

    @Test
    void aSecretOver64KiBIsRefusedAndChangesNothing() throws Exception {
        Path secretsFile = Files.writeString(work.resolve(".secrets"), "TOKEN=" + ONE + "\n");
        ok(host.cli("", "deploy", "-c", probe("probe", "\"TOKEN\"").toString(), "--secrets-file", secretsFile.toString()));
        Set<String> before = stateFiles();

        ServeHarness.Cli big = host.cli("x".repeat(64 * 1024 + 1), "secret", "put", "probe", "BIG");
        assertEquals(1, big.code());
        assertEquals("jworkers secret: Secret \"BIG\" is 65537 bytes; a secret may have at most 65536 bytes (64 KiB). Keep"
                + " larger data in a file or a store the worker reads.\n", big.err());
        // Far over the request bound: the host reads on before it refuses, so the client gets the
        // reason rather than a connection reset while it still sends.
        for (int mebibytes : new int[] {1, 8}) {
            ServeHarness.Cli huge = host.cli("x".repeat(mebibytes * 1024 * 1024), "secret", "put", "probe", "HUGE");
            assertEquals("jworkers secret: The secret is more than 262144 bytes; a secret may have at most 65536 bytes"
                    + " (64 KiB). Keep larger data in a file or a store the worker reads.\n", huge.err(), mebibytes + " MiB");
        }
        assertEquals(before, stateFiles());

        ok(host.cli("y".repeat(64 * 1024), "secret", "put", "probe", "MAX"));
        assertEquals("MAX\nTOKEN\n", ok(host.cli("", "secret", "list", "probe")).out());
    }

    @Test
    void aSecretsFileWithADeployOfADeployedWorkerMakesOneVersionAndABadFileSendsNothing() throws Exception {
        ok(host.cli(ONE, "secret", "put", "probe", "TOKEN", "--create"));
        Path config = probe("probe", "\"TOKEN\", \"NEW\"");
        Path secretsFile = Files.writeString(work.resolve(".secrets"), "export NEW=\"fresh\"\n");
        ok(host.cli("", "deploy", "-c", config.toString(), "--secrets-file", secretsFile.toString()));
        assertEquals("NEW\nTOKEN\n", ok(host.cli("", "secret", "list", "probe")).out());
        assertEquals(sha256("fresh"), served("probe", "/secret-sha?name=NEW"));

        Path broken = Files.writeString(work.resolve(".broken"), "NEW=ok\nthis line has no equals sign\n");
        Set<String> before = stateFiles();
        ServeHarness.Cli refused = host.cli("", "deploy", "-c", config.toString(), "--secrets-file", broken.toString());
        assertEquals(1, refused.code());
        assertEquals("jworkers deploy: " + broken + ":2: no '=' found; expected NAME=value (e.g. API_KEY=abc123), a #"
                + " comment, or a blank line\n", refused.err());
        assertEquals(before, stateFiles());
        assertEquals(1, host.serve().store().versions("probe", "production").size());
    }
}
