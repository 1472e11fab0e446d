package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.api.WorkerEntrypoint;
import io.jworkers.runtime.loader.WorkerLoadException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a mistake in a test's setup says, and workers given as classes. These start the host the
 * way the extension does before each test.
 */
class WorkerSetupErrorsTest {

    private static final Path CALLER = FixtureWorkers.config("caller", """
            { "name": "caller", "secrets": { "required": ["TOKEN"] },
              "services": [{ "binding": "GREETER", "service": "greeter" }, { "binding": "AUTH", "service": "auth" }] }
            """);

    /** Not public: not a valid entrypoint. */
    static final class Hidden extends WorkerEntrypoint {
    }

    /** Package-private, as contracts declared inside a test often are. */
    interface PrivateCalc {
        int combine(int a, int b);
    }

    private static WorkerSetup caller() {
        return new WorkerSetup(CALLER, null);
    }

    @Test
    void aRequiredSecretTheTestDoesNotSetIsNamedWithTheFix() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RunningHost.start(List.of(caller())));
        assertEquals("Worker \"caller\" requires secret \"TOKEN\", which the test does not set: add"
                + " .withSecret(\"TOKEN\", \"...\") to its setup (tests do not read .dev.vars, so they run the same"
                + " on every machine)", error.getMessage());
    }

    @Test
    void replacingABindingTheConfigLacksListsTheBindingsItHas() {
        WorkerSetup setup = caller().withSecret("TOKEN", "t").replaceBinding("AUHT", request -> Response.empty(200));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RunningHost.start(List.of(setup)));
        assertEquals("Worker \"caller\" (" + CALLER + ") has no binding AUHT to replace; it has: AUTH, GREETER",
                error.getMessage());
    }

    @Test
    void anInvalidTestWorkerClassFailsWithTheEntrypointRule() {
        WorkerSetup setup = caller().withSecret("TOKEN", "t").replaceBinding("AUTH", Hidden.class);
        WorkerLoadException error = assertThrows(WorkerLoadException.class, () -> RunningHost.start(List.of(setup)));
        assertTrue(error.getMessage().contains(Hidden.class.getName()) && error.getMessage().contains("public"),
                error.getMessage());
    }

    @Test
    void aPackagePrivateContractCanReplaceABinding() {
        WorkerSetup setup = new WorkerSetup(FixtureWorkers.config("caller", """
                { "name": "caller", "secrets": { "required": ["TOKEN"] },
                  "services": [{ "binding": "CALC", "service": "calc" }] }
                """), null).withSecret("TOKEN", "t").replaceBinding("CALC", PrivateCalc.class, (a, b) -> a - b);
        try (RunningHost host = RunningHost.start(List.of(setup))) {
            assertEquals("-1", host.self().fetch("/calc").text());
        }
    }

    @Test
    void aWorkerOrEntrypointNameTheHostLacksIsListed() {
        try (RunningHost host = RunningHost.start(List.of(caller().withSecret("TOKEN", "t")))) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> host.service("greeter"));
            assertEquals("The test's host has no worker \"greeter\"; it has: caller (add one with"
                    + " WorkerTestExtension.withWorker)", error.getMessage());
            IllegalArgumentException entrypoint = assertThrows(IllegalArgumentException.class,
                    () -> host.service("caller", "Admin"));
            assertEquals("Worker \"caller\" has no entrypoint \"Admin\"; it has: CallerWorker", entrypoint.getMessage());
        }
    }

    @Test
    void aBindingToAWorkerTheTestDidNotLoadAnswers503AsInDev() {
        try (RunningHost host = RunningHost.start(List.of(caller().withSecret("TOKEN", "t")))) {
            Service greeter = host.env().service("GREETER");
            assertEquals(false, greeter.connected());
            Response response = greeter.fetch("/");
            assertEquals(503, response.status());
            assertEquals("Worker \"greeter\" not found. Make sure it is running locally.", response.text());
        }
    }

    @Test
    void aServiceKeptAfterItsTestSaysSo() {
        Service self;
        try (RunningHost host = RunningHost.start(List.of(caller().withSecret("TOKEN", "t")))) {
            self = host.self();
        }
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> self.fetch("/count"));
        assertTrue(error.getMessage().startsWith("The workers of the test that made this Service are closed"),
                error.getMessage());
    }

    @Test
    void aWorkerGivenAsAClassIsLoadedAgainFromItsFolderInAnIsolatedLoader() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {FixtureWorkers.classes("greeter").toUri().toURL()},
                getClass().getClassLoader())) {
            Class<? extends WorkerEntrypoint> type = loader.loadClass("io.fixture.greeter.GreeterWorker")
                    .asSubclass(WorkerEntrypoint.class);
            WorkerSetup setup = new WorkerSetup(null, type).withVar("SALUTATION", "hey")
                    .replaceBinding("EXTRA", request -> Response.empty(204));
            try (RunningHost host = RunningHost.start(List.of(setup))) {
                assertEquals("hey from greeter-worker at depth 1, call 1", host.self().fetch("/").text());
                assertEquals(List.of("EXTRA"), List.copyOf(host.env().serviceNames()));
            }
        }
    }
}
