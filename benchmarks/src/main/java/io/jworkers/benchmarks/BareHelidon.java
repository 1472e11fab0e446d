package io.jworkers.benchmarks;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * HTTP benchmark (a): a bare Helidon WebServer whose one handler does the work of the example
 * gateway, auth and application inline, with no framework: the constant-time check of
 * {@code x-custom-token} (403 with the auth worker's text), then {@code GET /notes} on an empty
 * concurrent note map, sorted, written as {@code {"notes":[...]}}. Same server settings as the
 * jworkers ingress where they matter (HTTP/1.1, virtual thread per connection, defaults).
 *
 * <p>An optional third argument makes every allowed request sleep that many milliseconds first
 * (simulated I/O), the bare baseline of the concurrency benchmark.
 *
 * <pre>java -cp benchmarks.jar io.jworkers.benchmarks.BareHelidon PORT TOKEN [DELAY_MS]</pre>
 */
public final class BareHelidon {

    private static final io.helidon.http.HeaderName TOKEN = HeaderNames.create("x-custom-token");
    private static final Map<Long, String> NOTES = new ConcurrentHashMap<>();

    private BareHelidon() {
    }

    /**
     * Starts the server and prints "Ready on URL".
     *
     * @param args the port, the expected token and optionally a delay in milliseconds
     * @throws InterruptedException never in practice: the server runs until the process is killed
     */
    public static void main(String[] args) throws InterruptedException {
        java.util.logging.Logger.getLogger("io.helidon").setLevel(java.util.logging.Level.WARNING);
        int port = Integer.parseInt(args[0]);
        byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
        long delay = args.length > 2 ? Long.parseLong(args[2]) : 0;
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(true)
                .routing(routing -> routing.any((request, response) -> handle(request, response, secret, delay)))
                .build()
                .start();
        System.out.println("Ready on http://127.0.0.1:" + server.port());
        new CountDownLatch(1).await();
    }

    private static void handle(ServerRequest request, ServerResponse response, byte[] secret, long delay)
            throws InterruptedException {
        String token = request.headers().first(TOKEN).orElse(null);
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), secret)) {
            response.status(Status.FORBIDDEN_403);
            response.header(HeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8");
            response.send("x-custom-token does not match, request not allowed".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (delay > 0) {
            Thread.sleep(delay);
        }
        String path = request.path().path();
        String method = request.prologue().method().text();
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (path.equals("/notes") && method.equals("GET")) {
            StringBuilder array = new StringBuilder("[");
            NOTES.entrySet().stream().sorted(Comparator.comparingLong(Map.Entry::getKey)).forEach(note -> {
                if (array.length() > 1) {
                    array.append(',');
                }
                array.append(note.getValue());
            });
            response.send(("{\"notes\":" + array.append(']') + "}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        response.status(Status.NOT_FOUND_404);
        response.send(("{\"error\":\"no route " + method + " " + path + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
