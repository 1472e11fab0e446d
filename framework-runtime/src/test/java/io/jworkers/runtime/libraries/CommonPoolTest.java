package io.jworkers.runtime.libraries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker code that runs on the JDK's common pool (submitted tasks, {@code supplyAsync}, parallel
 * streams, and so libraries such as Caffeine) finds the API-only loader as the thread's context
 * class loader, not the host's: the host's classes stay hidden from a worker on every thread it
 * runs on. A separate JVM started as {@code jworkers serve} is, since the pool is JVM-wide and
 * its threads are set up as the launcher sets them up.
 */
class CommonPoolTest {

    @TempDir
    Path state;
    @TempDir
    Path work;

    @Test
    void theHostsClassesAreHiddenFromWorkerCodeOnTheCommonPool() throws Exception {
        Path token = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
        try (ForkedHost host = ForkedHost.serve(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), state, token)) {
            Path config = LibraryWorkers.config(work, "asyncprobe", List.of("/*"), null);
            ServeHarness.Cli deployed = ServeHarness.cli(host.adminUrl(), token, "", "deploy", "-c", config.toString());
            assertEquals(0, deployed.code(), deployed.out() + deployed.err() + host.output());

            assertEquals(List.of("200 pool=hidden", "200 supply=hidden", "200 parallel=hidden"),
                    List.of(call(host, "/pool"), call(host, "/supply"), call(host, "/parallel")));
        }
    }

    private static String call(ForkedHost host, String path) {
        HttpResponse<String> response = Http.get(host.url() + path);
        return response.statusCode() + " " + response.body();
    }
}
