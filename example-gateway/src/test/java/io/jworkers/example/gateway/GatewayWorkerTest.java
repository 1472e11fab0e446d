package io.jworkers.example.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.testing.WorkerTestExtension;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway alone: its three bindings are replaced, AUTH and APPLICATION by lambdas, the
 * application's Admin entrypoint by an object implementing the gateway's own contract.
 */
class GatewayWorkerTest {

    private static final List<String> FORWARDED = new CopyOnWriteArrayList<>();
    private static final Instant SINCE = Instant.parse("2026-01-02T03:04:05Z");

    @RegisterExtension
    static final WorkerTestExtension workers = WorkerTestExtension.forConfig("worker.jsonc")
            .replaceBinding("AUTH", request -> "ok".equals(request.headers().get("x-custom-token"))
                    ? Response.text(200, "Request allowed")
                    : Response.text(403, "refused by the test's auth"))
            .replaceBinding("APPLICATION", request -> {
                FORWARDED.add(request.method() + " " + request.path() + " " + request.text());
                return Response.json(200, "{\"from\":\"the test's application\"}");
            })
            .replaceBinding("APPLICATION_ADMIN", AdminApi.class, () -> new AdminApi.Stats(2, 5, SINCE, "{\"caller\":\"test\"}"));

    @BeforeEach
    void clear() {
        FORWARDED.clear();
    }

    @Test
    void aRequestAuthRefusesGetsAuthsAnswerAndNeverReachesTheApplication(Service self) {
        Response response = self.fetch(Request.builder("POST", "/notes").body("buy milk").build());
        assertEquals(403, response.status());
        assertEquals("refused by the test's auth", response.text());
        assertEquals(List.of(), FORWARDED);
    }

    @Test
    void anAllowedRequestReachesTheApplicationWithItsBodyUnread(Service self) {
        Response response = self.fetch(Request.builder("POST", "/notes").header("x-custom-token", "ok").body("buy milk").build());
        assertEquals(200, response.status());
        assertEquals("{\"from\":\"the test's application\"}", response.text());
        assertEquals(List.of("POST /notes buy milk"), FORWARDED);
    }

    @Test
    void adminStatsComeFromTheAdminEntrypointOverTypedRpc(Service self) {
        Response response = self.fetch(Request.builder("GET", "/admin/stats").header("x-custom-token", "ok").build());
        assertEquals(200, response.status());
        assertEquals("{\"notes\":2,\"created\":5,\"since\":\"2026-01-02T03:04:05Z\",\"boundWith\":{\"caller\":\"test\"}}",
                response.text());
        assertEquals(List.of(), FORWARDED);
    }
}
