package io.jworkers.runtime.rpc;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import io.jworkers.runtime.worker.LoadedWorker;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stub is made once and follows its target's versions: a new version is reached without a new
 * stub, a target that loads later is reached once it is there, and an old version's loader is
 * not kept alive by callers.
 */
class StubRelinkTest {

    @TempDir
    Path dir;

    private Path client() {
        return WorkerDirs.config(dir, "client", """
                { "name": "client", "classpath": [%s], "routes": ["/*"], "services": [{ "binding": "CALC", "service": "calc" }] }
                """.formatted(json(Fixtures.classes("rpcclient"))));
    }

    private Path calc(String folder, int offset) {
        return WorkerDirs.config(dir, folder, """
                { "name": "calc", "classpath": [%s], "vars": { "ADD_OFFSET": "%d" } }
                """.formatted(json(Fixtures.classes("calc")), offset));
    }

    @Test
    void aNewTargetVersionIsReachedThroughTheSameStubAndTheOldLoaderIsCollected() throws InterruptedException {
        try (DevServer server = DevServer.start(List.of(client(), calc("calc-v1", 0)), null, "127.0.0.1", 0)) {
            assertEquals("5", Http.get(server.url() + "/add").body());
            LoadedWorker v1 = server.host().worker("calc").orElseThrow();
            WeakReference<ClassLoader> v1Loader = new WeakReference<>(v1.loader());
            v1 = null;

            LoadedWorker v2 = server.host().load(ConfigLoader.load(calc("calc-v2", 100), null), Secrets.NONE);
            assertEquals("105", Http.get(server.url() + "/add").body());
            assertEquals("true", Http.get(server.url() + "/same-stub").body());
            assertNotSame(v2.loader(), v1Loader.get());

            for (int i = 0; i < 50 && v1Loader.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(v1Loader.get(), "the replaced version's class loader must be collectable");
        }
    }

    @Test
    void aTargetThatIsNotLoadedAnswersServiceUnavailableThenConnectsWhenItLoads() {
        try (DevServer server = DevServer.start(List.of(client()), null, "127.0.0.1", 0)) {
            assertEquals("io.jworkers.api.ServiceUnavailableException: Worker \"calc\" not found. Make sure it is running "
                    + "locally. "
                    + "{target-frames=false, caller-frames=true}", Http.get(server.url() + "/add").body());
            server.host().load(ConfigLoader.load(calc("calc", 0), null), Secrets.NONE);
            assertEquals("5", Http.get(server.url() + "/add").body());
        }
    }
}
