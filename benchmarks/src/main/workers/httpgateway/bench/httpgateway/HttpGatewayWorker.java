package bench.httpgateway;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * HTTP benchmark (d), "the usual microservices": the example gateway's logic, but auth and
 * application are two other host processes reached over loopback HTTP (vars AUTH_URL and
 * APPLICATION_URL) instead of bindings, with the JDK's {@link HttpClient} (HTTP/1.1, keep-alive pool)
 * when the var CLIENT is {@code jdk}, or with {@link RawHttpClient} (plain keep-alive sockets, the
 * cheapest client possible) when it is {@code raw}. Like the example gateway: ask auth with the request's headers; not 200 means answer
 * with auth's response; else forward the request to the application and answer with its response.
 */
public final class HttpGatewayWorker extends WorkerEntrypoint {

    // Headers the JDK client sets itself (it refuses them) or that belong to one hop only.
    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final RawHttpClient raw = new RawHttpClient();

    @Override
    public Response fetch(Request request, Env env) {
        boolean jdk = env.var("CLIENT").equals("jdk");
        Response auth = jdk ? send(env.var("AUTH_URL"), request, false) : sendRaw(env.var("AUTH_URL"), request, false);
        if (auth.status() != 200) {
            return auth;
        }
        return jdk ? send(env.var("APPLICATION_URL"), request, true) : sendRaw(env.var("APPLICATION_URL"), request, true);
    }

    private Response sendRaw(String base, Request request, boolean withBody) {
        String query = request.url().getRawQuery();
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (String name : request.headers().names()) {
            if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                headers.put(name, String.join(", ", request.headers().all(name)));
            }
        }
        try {
            RawHttpClient.Reply reply = raw.send(URI.create(base + request.url().getRawPath() + (query == null ? "" : "?" + query)),
                    request.method(), headers, withBody && request.hasBody() ? request.bytes() : new byte[0]);
            Response.Builder in = Response.builder(reply.status());
            if (reply.contentType() != null) {
                in.header("content-type", reply.contentType());
            }
            return in.body(reply.body()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response send(String base, Request request, boolean withBody) {
        String query = request.url().getRawQuery();
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(base + request.url().getRawPath()
                + (query == null ? "" : "?" + query)));
        for (String name : request.headers().names()) {
            if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                for (String value : request.headers().all(name)) {
                    out.header(name, value);
                }
            }
        }
        out.method(request.method(), withBody && request.hasBody()
                ? HttpRequest.BodyPublishers.ofByteArray(request.bytes())
                : HttpRequest.BodyPublishers.noBody());
        try {
            HttpResponse<byte[]> response = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response.Builder in = Response.builder(response.statusCode());
            response.headers().firstValue("content-type").ifPresent(type -> in.header("content-type", type));
            return in.body(response.body()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
