package io.jworkers.runtime.worker;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jworkers.bridge.EntrypointRules;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.loader.WorkerLoadException;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.WorkerDirs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classes built without the annotation processor are checked at load against the same rules,
 * with the same messages, and a binding's named entrypoint must exist in its target.
 */
class EntrypointRulesAtLoadTest {

    @TempDir
    Path dir;

    private String loadFailure(String fixture) {
        Path config = WorkerDirs.config(dir, fixture, "{ \"name\": \"%s\", \"classpath\": [%s] }"
                .formatted(fixture, json(Fixtures.classes(fixture))));
        WorkerLoadException error = assertThrows(WorkerLoadException.class,
                () -> DevServer.start(List.of(config), null, "127.0.0.1", 0).close());
        String prefix = "worker \"" + fixture + "\" (" + config + "): ";
        assertEquals(prefix, error.getMessage().substring(0, prefix.length()));
        return error.getMessage().substring(prefix.length());
    }

    @Test
    void twoPublicMethodsWithOneNameAreRefused() {
        assertEquals(EntrypointRules.duplicateMethodName("io.fixture.rules.DupWorker", "add", 2), loadFailure("rules-dupnames"));
    }

    @Test
    void fetchWithTheWrongSignatureIsRefused() {
        assertEquals(EntrypointRules.fetchSignature("io.fixture.rules.BadFetchWorker", "fetch(java.lang.String)"),
                loadFailure("rules-badfetch"));
    }

    @Test
    void anRpcParameterThatCannotCrossIsRefused() {
        assertEquals(EntrypointRules.cannotCross("io.fixture.rules.ThreadWorker", "count", "parameter 1",
                "java.util.List<java.lang.Thread>", "a thread belongs to the worker that started it"),
                loadFailure("rules-threadparam"));
    }

    @Test
    void anEntrypointWithoutAPublicNoArgConstructorIsRefused() {
        assertEquals(EntrypointRules.noPublicNoArgConstructor("io.fixture.rules.NoCtorWorker"), loadFailure("rules-noctor"));
    }

    @Test
    void aBindingToAMissingNamedEntrypointFailsAtStartNamingTheEntrypointsThereAre() {
        Path client = WorkerDirs.config(dir, "client", """
                { "name": "client", "classpath": [%s], "services": [{ "binding": "ADMIN", "service": "calc", "entrypoint": "Admn" }] }
                """.formatted(json(Fixtures.classes("rpcclient"))));
        Path calc = WorkerDirs.config(dir, "calc", "{ \"name\": \"calc\", \"classpath\": [%s] }".formatted(json(Fixtures.classes("calc"))));
        WorkerLoadException error = assertThrows(WorkerLoadException.class,
                () -> DevServer.start(List.of(client, calc), null, "127.0.0.1", 0).close());
        assertEquals("worker \"client\" (" + client + "): binding ADMIN selects entrypoint \"Admn\" of worker \"calc\", "
                + "which has: CalcWorker, Admin.", error.getMessage());
    }
}
