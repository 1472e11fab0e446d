package io.jworkers.example.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.testing.WorkerTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The auth worker alone, loaded from its config with a secret set by the test. */
class AuthWorkerTest {

    @RegisterExtension
    static final WorkerTestExtension workers = WorkerTestExtension.forConfig("worker.jsonc")
            .withSecret("SECRET_TOKEN", "test-token");

    private static Request withToken(String token) {
        return Request.builder("GET", "/notes").header("x-custom-token", token).build();
    }

    @Test
    void theRightTokenIsAllowed(Service self) {
        Response response = self.fetch(withToken("test-token"));
        assertEquals(200, response.status());
        assertEquals("Request allowed", response.text());
    }

    @Test
    void aWrongTokenIsRefusedWithTheExactBody(Service self) {
        Response response = self.fetch(withToken("test-token-but-longer"));
        assertEquals(403, response.status());
        assertEquals("x-custom-token does not match, request not allowed", response.text());
    }

    @Test
    void aMissingTokenIsRefused(Service self) {
        assertEquals(403, self.fetch("/notes").status());
    }

    @Test
    void theDevTokenOfDevVarsIsNotWhatTestsUse(Service self) {
        assertEquals(403, self.fetch(withToken("let-me-in")).status());
    }
}
