package io.jworkers.runtime.process;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up in the middle of unpacking a bundle, for real: {@code jworkers serve} runs
 * with its state folder on a 1 MiB tmpfs, mounted in a user and mount namespace of its own
 * ({@code unshare}, no root needed where unprivileged user namespaces are allowed; skipped where
 * they are not). A bundle whose upload fits but whose unpacked copy does not gets 507 and the
 * "no space left" message, the last version keeps serving, and the space is given back.
 */
class DiskFullDeployTest {

    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    @TempDir
    Path state;
    @TempDir
    Path work;

    @Test
    void aDiskThatFillsUpWhileABundleIsUnpackedAnswers507AndKeepsTheLastVersion() throws Exception {
        assumeTrue(namespacesWork(), "unshare --user --mount with a tmpfs (unprivileged user namespaces)");
        Path token = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
        List<String> launcher = List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "mount -t tmpfs -o size=1m tmpfs \"$0\" && exec \"$@\"", state.toString());
        // 700 KiB of random bytes: they fit once (the upload), not twice (the upload and its unpacked copy).
        byte[] noise = new byte[700 * 1024];
        new Random(7).nextBytes(noise);
        Path big = Files.write(work.resolve("big.jar"), noise);
        try (ForkedHost host = ForkedHost.serve(launcher, JVM, state, token)) {
            assertEquals(0, cli(host, token, "deploy", "-c", hello("v1", "").toString()).code());

            ServeHarness.Cli full = cli(host, token, "deploy", "-c", hello("v2", ", " + json(big)).toString());
            assertEquals(1, full.code(), full.out());
            assertEquals("jworkers deploy: No space left on device while unpacking the bundle in " + state.resolve("staging")
                    + "; nothing was deployed. Free space on that file system (it holds the --state folder), then deploy"
                    + " again.\n", full.err());
            assertTrue(Http.get(host.url() + "/").body().startsWith("hello from v1 at /"), "version 1 still serves");
            assertTrue(cli(host, token, "versions", "hello").out().matches("(?s)VERSION.*\\n1 \\* .*"), "one version");

            // The refused deploy gave its space back: another deploy fits.
            ServeHarness.Cli next = cli(host, token, "deploy", "-c", hello("v3", "").toString());
            assertEquals(0, next.code(), next.err());
            assertTrue(Http.get(host.url() + "/").body().startsWith("hello from v3 at /"));
        }
    }

    private Path hello(String who, String moreClasspath) {
        return WorkerDirs.config(work, who, """
                { "name": "hello", "classpath": [%s%s], "routes": ["/*"], "vars": { "WHO": "%s" } }
                """.formatted(json(Fixtures.classes("hello")), moreClasspath, who));
    }

    private static ServeHarness.Cli cli(ForkedHost host, Path token, String... args) {
        return ServeHarness.cli(host.adminUrl(), token, "", args);
    }

    private boolean namespacesWork() {
        try {
            Path probe = Files.createDirectories(work.resolve("probe"));
            Process process = new ProcessBuilder("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                    "mount -t tmpfs -o size=64k tmpfs \"$0\"", probe.toString()).redirectErrorStream(true).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false; // no unshare
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
