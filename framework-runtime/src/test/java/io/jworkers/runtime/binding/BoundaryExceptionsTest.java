package io.jworkers.runtime.binding;

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

/**
 * An exception thrown by a called worker reaches the caller translated: JDK types as themselves,
 * the callee's own types as RemoteException; the stack shows both workers' frames.
 */
class BoundaryExceptionsTest {

    @TempDir
    static Path dir;
    private static DevServer server;

    @BeforeAll
    static void start() {
        Path catcher = WorkerDirs.config(dir, "catcher", """
                { "name": "catcher", "classpath": [%s], "services": [{ "binding": "THROWER", "service": "thrower" }] }
                """.formatted(json(Fixtures.classes("catcher"))));
        Path thrower = WorkerDirs.config(dir, "thrower", """
                { "name": "thrower", "classpath": [%s] }
                """.formatted(json(Fixtures.classes("thrower"))));
        server = DevServer.start(List.of(catcher, thrower), null, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jdkExceptionArrivesAsTheSameTypeAndMessageWithBothWorkersInTheStack() {
        assertEquals("""
                class=java.lang.IllegalStateException
                message=bad state
                loader=bootstrap
                stack-has-thrower=true
                stack-has-catcher=true
                """, Http.get(server.url() + "/jdk").body());
    }

    @Test
    void workerOwnExceptionArrivesAsRemoteExceptionKeepingItsClassNameAndMessage() {
        assertEquals("""
                class=io.jworkers.api.RemoteException
                message=over quota
                remote=io.fixture.thrower.QuotaException
                loader=app
                stack-has-thrower=true
                stack-has-catcher=true
                """, Http.get(server.url() + "/own").body());
    }

    @Test
    void jdkExceptionWrappingAWorkerTypeIsRebuiltWithARemoteCause() {
        assertEquals("""
                class=java.lang.IllegalArgumentException
                message=outer
                loader=bootstrap
                stack-has-thrower=true
                stack-has-catcher=true
                cause=io.jworkers.api.RemoteException
                cause-remote=io.fixture.thrower.QuotaException inner
                """, Http.get(server.url() + "/wrapped").body());
    }
}
