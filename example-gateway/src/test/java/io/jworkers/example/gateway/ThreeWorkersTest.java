package io.jworkers.example.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.testing.Worker;
import io.jworkers.testing.WorkerTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The three example workers from their configs, in one host, fresh for each test. */
class ThreeWorkersTest {

    private static final String TOKEN = "t0k3n";

    @RegisterExtension
    static final WorkerTestExtension workers = WorkerTestExtension.forConfig("worker.jsonc")
            .withWorker("../example-auth/worker.jsonc", auth -> auth.withSecret("SECRET_TOKEN", TOKEN))
            .withWorker("../example-application/worker.jsonc");

    private static Request.Builder request(String method, String path) {
        return Request.builder(method, path).header("x-custom-token", TOKEN);
    }

    @Test
    void aNoteCreatedThroughTheGatewayIsCountedByTheAdminEntrypoint(Service self) {
        Response created = self.fetch(request("POST", "/notes").body("buy milk").build());
        assertEquals(201, created.status(), created::text);
        assertEquals("/notes/1", created.headers().get("location"));
        String stats = self.fetch(request("GET", "/admin/stats").build()).text();
        assertTrue(stats.startsWith("{\"notes\":1,\"created\":1,\"since\":\"") && stats.endsWith("\",\"boundWith\":{\"caller\":\"gateway\"}}"),
                stats);
    }

    @Test
    void theApplicationRunsOneHopBelowTheGateway(Service self) {
        String about = self.fetch(request("GET", "/").header("x-request-id", "flow-1").build()).text();
        assertTrue(about.contains("\"requestId\":\"flow-1\",\"depth\":2"), about);
    }

    @Test
    void aWrongTokenStopsAtAuth(Service self) {
        Response response = self.fetch(Request.builder("GET", "/notes").header("x-custom-token", "nope").build());
        assertEquals(403, response.status());
        assertEquals("x-custom-token does not match, request not allowed", response.text());
    }

    // Whichever of the two runs second would see the other's note if state leaked between tests.
    @Test
    void eachTestStartsWithAnEmptyApplication(Service self, @Worker("application") Service application) {
        assertEquals("{\"notes\":[]}", self.fetch(request("GET", "/notes").build()).text());
        assertEquals(201, application.fetch(Request.builder("POST", "/notes").body("direct").build()).status());
    }

    @Test
    void eachTestStartsWithAnEmptyApplicationToo(Service self) {
        assertEquals("{\"notes\":[]}", self.fetch(request("GET", "/notes").build()).text());
        assertEquals(201, self.fetch(request("POST", "/notes").body("through the gateway").build()).status());
    }
}
