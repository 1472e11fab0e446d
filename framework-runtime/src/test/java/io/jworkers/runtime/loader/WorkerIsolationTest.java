package io.jworkers.runtime.loader;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each worker sees the JDK, the API and its own classes and jars: nothing of the host or of other workers. */
class WorkerIsolationTest {

    @TempDir
    static Path dir;
    private static DevServer server;

    @BeforeAll
    static void start() {
        Path probe = WorkerDirs.config(dir, "probe", """
                { "name": "probe", "classpath": [%s], "routes": ["/*"],
                  "services": [{ "binding": "PEER", "service": "peer" }] }
                """.formatted(json(Fixtures.classes("probe"))));
        Path peer = WorkerDirs.config(dir, "peer", """
                { "name": "peer", "classpath": [%s] }
                """.formatted(json(Fixtures.classes("peer"))));
        server = DevServer.start(List.of(probe, peer), null, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "io.helidon.webserver.WebServer",
        "com.fasterxml.jackson.databind.ObjectMapper",
        "net.bytebuddy.ByteBuddy",
        "io.github.classgraph.ClassGraph",
        "io.jworkers.runtime.host.WorkerHost",
        "io.jworkers.bridge.HostBridge",
        "io.fixture.peer.PeerWorker",
        "org.junit.jupiter.api.Test"
    })
    void workerCannotLoadHostOrOtherWorkerClasses(String className) {
        assertEquals("not visible: " + className, Http.get(server.url() + "/load?class=" + className).body());
    }

    @Test
    void workerSeesTheApiSharedWithTheHost() {
        assertEquals("found io.jworkers.api.Request in app",
                Http.get(server.url() + "/load?class=io.jworkers.api.Request").body());
    }

    @Test
    void workerSeesTheJdk() {
        assertEquals("found java.net.http.HttpClient in platform",
                Http.get(server.url() + "/load?class=java.net.http.HttpClient").body());
    }

    @Test
    void workerSeesItsOwnClassesInItsOwnNamedLoader() {
        assertEquals("found io.fixture.probe.ProbeWorker in probe",
                Http.get(server.url() + "/load?class=io.fixture.probe.ProbeWorker").body());
    }

    @Test
    void contextClassLoaderIsTheWorkersOwnDuringItsCode() {
        assertEquals("tccl-is-mine=true", Http.get(server.url() + "/tccl").body());
    }

    @Test
    void bindingCallSwapsTheContextClassLoaderToTheTargetAndBack() {
        assertEquals("peer: tccl-is-mine=true (peer); mine-after-call=true", Http.get(server.url() + "/call-peer").body());
    }

    @Test
    void twoWorkersBundlingTwoVersionsOfOneLibraryEachGetTheirOwn(@TempDir Path own) {
        Path v1 = Fixtures.jar("libv1");
        Path v2 = Fixtures.jar("libv2");
        Path classes = Fixtures.classes("libuser", v1);
        Path v1user = WorkerDirs.config(own, "v1user", """
                { "name": "v1user", "classpath": [%s, %s], "services": [{ "binding": "OTHER", "service": "v2user" }] }
                """.formatted(json(classes), json(v1)));
        Path v2user = WorkerDirs.config(own, "v2user", """
                { "name": "v2user", "classpath": [%s, %s] }
                """.formatted(json(classes), json(v2)));
        try (DevServer libs = DevServer.start(List.of(v1user, v2user), null, "127.0.0.1", 0)) {
            assertEquals("1.0 in v1user | 2.0 in v2user", Http.get(libs.url() + "/").body());
        }
    }
}
