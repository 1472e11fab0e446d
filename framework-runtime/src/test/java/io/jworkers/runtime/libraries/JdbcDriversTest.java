package io.jworkers.runtime.libraries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JDBC drivers a worker bundles (H2, sqlite-jdbc) are found by plain
 * {@code DriverManager.getConnection}, as JDBC 4 code expects, whichever worker asks first and
 * after a redeploy: {@code DriverManager} scans for drivers once per JVM, with the context class
 * loader of whoever touches it first, and only hands a caller the drivers its own loader can see.
 * A separate JVM per order, since that first scan is JVM-wide state.
 */
class JdbcDriversTest {

    @ParameterizedTest(name = "{0} first")
    @ValueSource(strings = {"sqlite", "h2"})
    void eachWorkerFindsItsBundledDriverInEitherOrderAndAfterARedeploy(String first, @TempDir Path state, @TempDir Path work) throws Exception {
        String second = first.equals("sqlite") ? "h2" : "sqlite";
        Path token = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
        // sqlite-jdbc extracts its native library once per loader that loads it; into the test's folder, not /tmp.
        List<String> jvm = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dorg.sqlite.tmpdir=" + work);
        try (ForkedHost host = ForkedHost.serve(jvm, state, token)) {
            deploy(host, token, work, "v1");
            assertEquals("200 " + first + " 42 v1", call(host, first), host.output().toString());
            assertEquals("200 " + second + " 42 v1", call(host, second), host.output().toString());

            deploy(host, token, work, "v2");
            assertEquals("200 " + first + " 42 v2", call(host, first), host.output().toString());
            assertEquals("200 " + second + " 42 v2", call(host, second), host.output().toString());
        }
    }

    private static void deploy(ForkedHost host, Path token, Path work, String version) {
        for (String fixture : List.of("jdbch2", "jdbcsqlite")) {
            String route = fixture.equals("jdbch2") ? "/h2" : "/sqlite";
            Path config = LibraryWorkers.config(work, fixture, List.of(route), version);
            ServeHarness.Cli deployed = ServeHarness.cli(host.adminUrl(), token, "", "deploy", "-c", config.toString());
            assertEquals(0, deployed.code(), deployed.out() + deployed.err() + host.output());
        }
    }

    private static String call(ForkedHost host, String database) {
        HttpResponse<String> response = Http.get(host.url() + "/" + database);
        return response.statusCode() + " " + response.body();
    }
}
