package io.jworkers.example.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.testing.Worker;
import io.jworkers.testing.WorkerTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The notes API alone, from its config, with a shorter note limit set by the test. */
class ApplicationWorkerTest {

    @RegisterExtension
    static final WorkerTestExtension workers = WorkerTestExtension.forConfig("worker.jsonc")
            .withVar("MAX_NOTE_LENGTH", "10");

    /** The test's contract for the Admin entrypoint; its record is the application's own, copied by shape. */
    interface AdminContract {
        AdminEntrypoint.Stats stats();
    }

    private static Response post(Service self, String text) {
        return self.fetch(Request.builder("POST", "/notes").body(text).build());
    }

    @Test
    void aboutNamesTheServiceWithItsGreetingAtDepthOne(Service self) {
        Response response = self.fetch(Request.builder("GET", "/").header("x-request-id", "test-1").build());
        assertEquals(200, response.status());
        assertEquals("{\"service\":\"application\",\"greeting\":\"Hello from the application worker\","
                + "\"requestId\":\"test-1\",\"depth\":1,\"notes\":0}", response.text());
    }

    @Test
    void aNoteIsCreatedReadAndDeleted(Service self) {
        Response created = post(self, "buy milk");
        assertEquals(201, created.status());
        String location = created.headers().get("location");
        assertEquals("/notes/1", location);
        assertTrue(self.fetch(location).text().contains("\"text\":\"buy milk\""));
        assertEquals(204, self.fetch(Request.builder("DELETE", location).build()).status());
        assertEquals(404, self.fetch(location).status());
    }

    @Test
    void aNoteLongerThanTheVarAllowsIsRefused(Service self) {
        Response response = post(self, "eleven char");
        assertEquals(400, response.status());
        assertEquals("{\"error\":\"a note has at most 10 characters, this one has 11\"}", response.text());
    }

    @Test
    void anUnknownMethodGetsTheAllowedOnes(Service self) {
        Response response = self.fetch(Request.builder("PUT", "/notes").body("x").build());
        assertEquals(405, response.status());
        assertEquals("GET, POST", response.headers().get("allow"));
    }

    // The store is a static singleton of the worker: a fresh loader per test starts it empty.
    @Test
    void eachTestStartsWithNoNotes(Service self) {
        assertEquals("{\"notes\":[]}", self.fetch("/notes").text());
        assertEquals("/notes/1", post(self, "first").headers().get("location"));
        assertEquals("/notes/2", post(self, "second").headers().get("location"));
    }

    @Test
    void eachTestStartsWithNoNotesToo(Service self) {
        assertEquals("{\"notes\":[]}", self.fetch("/notes").text());
        assertEquals("/notes/1", post(self, "first").headers().get("location"));
    }

    @Test
    void theAdminEntrypointCountsNotesOverTypedRpc(Service self,
            @Worker(value = "application", entrypoint = "Admin") Service admin) {
        post(self, "one");
        post(self, "two");
        self.fetch(Request.builder("DELETE", "/notes/1").build());
        AdminEntrypoint.Stats stats = admin.rpc(AdminContract.class).stats();
        assertEquals(1, stats.notes());
        assertEquals(2, stats.created());
        assertEquals("{}", stats.boundWith(), "no binding, so no props");
    }
}
