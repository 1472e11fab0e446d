package io.jworkers.runtime.versions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.HopWorkers;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.worker.VersionRouting;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing a split never fails a request: {@code wrk} loads a three-hop chain (fetch, then typed
 * RPC) over real HTTP while every worker's split changes again and again, and checks every
 * response's status and body (while the three workers' splits differ for a moment, a chain may
 * mix versions; coherence of equal splits is GradualDeploymentTest's); a version that leaves the
 * split drains and its loader is collected.
 */
class SplitUnderLoadTest {

    @TempDir
    Path state;
    @TempDir
    Path work;

    private Path hop(String name, String next, String mode, String tag) {
        return HopWorkers.config(work, name, next, mode, tag);
    }

    private static void ok(ServeHarness host, String... args) {
        ServeHarness.Cli result = host.cli("", args);
        assertEquals(0, result.code(), result.out() + result.err());
    }

    @Test
    void splitChangesUnderWrkLoadFailNoRequest() throws Exception {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            ok(host, "deploy", "-c", hop("application", null, "fetch", "a").toString());
            ok(host, "deploy", "-c", hop("auth", "application", "rpc", "a").toString());
            ok(host, "deploy", "-c", hop("gateway", "auth", "fetch", "a").toString());
            for (String worker : List.of("application", "auth", "gateway")) {
                ok(host, "versions", "upload", "-c", hop(worker, worker.equals("application") ? null : worker.equals("auth")
                        ? "application" : "auth", worker.equals("auth") ? "rpc" : "fetch", "b").toString());
            }
            Path script = Files.writeString(work.resolve("check.lua"), """
                    checked = 0
                    bad = 0
                    local threads = {}
                    function setup(thread) table.insert(threads, thread) end
                    local function hop(version, tag)
                      return (version == "1" and tag == "a") or (version == "2" and tag == "b")
                    end
                    function response(status, headers, body)
                      checked = checked + 1
                      local g, gt, a, at, p, pt = string.match(body,
                          "^gateway@(%d)%((%a)%)>auth@(%d)%((%a)%)>application@(%d)%((%a)%)$")
                      if status ~= 200 or not g or not (hop(g, gt) and hop(a, at) and hop(p, pt)) then
                        bad = bad + 1
                      end
                    end
                    function done(summary, latency, requests)
                      local c, b = 0, 0
                      for _, t in ipairs(threads) do c = c + t:get("checked"); b = b + t:get("bad") end
                      io.write(string.format("checked %d bad %d\\n", c, b))
                    end
                    """);
            Process wrk = startWrk(script, host.url() + "/");
            List<String> splits = List.of("2@10 1@90", "2@50 1@50", "2@0 1@100", "2@90 1@10", "2@100", "1@100", "2@30 1@70");
            Thread.sleep(500);
            for (String split : splits) {
                // Callee first, so a request that meets a new version upstream finds it downstream too.
                for (String worker : List.of("application", "auth", "gateway")) {
                    List<String> args = new ArrayList<>(List.of("versions", "deploy", worker));
                    args.addAll(List.of(split.split(" ")));
                    ok(host, args.toArray(String[]::new));
                }
                Thread.sleep(300);
            }
            assertTrue(wrk.waitFor(60, TimeUnit.SECONDS), "wrk ends after its 5 s");
            String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, wrk.exitValue(), out);
            assertFalse(out.contains("Non-2xx or 3xx responses"), out);
            assertFalse(out.contains("Socket errors"), out);
            Matcher checked = Pattern.compile("checked (\\d+) bad (\\d+)").matcher(out);
            assertTrue(checked.find(), out);
            assertTrue(Long.parseLong(checked.group(1)) > 1000, "wrk got responses throughout: " + out);
            assertEquals("0", checked.group(2), "every body was a whole chain of deployed versions: " + out);
        }
    }

    @Test
    void aVersionLeavingTheSplitDrainsAndItsLoaderIsCollected() throws Exception {
        try (ServeHarness host = ServeHarness.start(state, work)) {
            ok(host, "deploy", "-c", hop("application", null, "fetch", "a").toString());
            ok(host, "deploy", "-c", hop("gateway", "application", "rpc", "a").toString());
            ok(host, "versions", "upload", "-c", hop("application", null, "fetch", "b").toString());
            ok(host, "versions", "deploy", "application", "2@50", "1@50");
            VersionRouting split = host.serve().host().routing("application", "production");
            assertTrue(split.isSplit());
            WeakReference<ClassLoader> older = new WeakReference<>(split.older().loader());
            split = null;
            for (int i = 0; i < 200; i++) { // both versions reached over typed RPC, so the stub links both
                String body = Http.get(host.url() + "/", "x-jworkers-version-key", "k" + i).body();
                assertTrue(body.equals("gateway@1(a)>application@1(a)") || body.equals("gateway@1(a)>application@2(b)"), body);
            }
            ok(host, "versions", "deploy", "application", "2@100");
            assertEquals("gateway@1(a)>application@2(b)", Http.get(host.url() + "/").body());
            Await.until(() -> {
                System.gc();
                return older.get() == null;
            });
            assertNotNull(host.serve().host().routing("application", "production").newer());
        }
    }

    private static Process startWrk(Path script, String url) throws IOException {
        try {
            return new ProcessBuilder("wrk", "-t2", "-c8", "-d5s", "-s", script.toString(), url).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("this test runs wrk, the HTTP load generator, which is not installed: sudo apt-get install wrk"
                    + " (.ci/run installs it)", e);
        }
    }
}
