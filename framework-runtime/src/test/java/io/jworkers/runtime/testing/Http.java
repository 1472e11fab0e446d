package io.jworkers.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP calls to a host on 127.0.0.1, with the JDK's client. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private Http() {
    }

    /**
     * Sends a GET.
     *
     * @param url the URL
     * @param headers name, value, name, value, ...
     * @return the response with its body as text
     */
    public static HttpResponse<String> get(String url, String... headers) {
        return send(request(url, headers).GET().build());
    }

    /**
     * Sends a request with a text body.
     *
     * @param method the method
     * @param url the URL
     * @param body the body
     * @param headers name, value, name, value, ...
     * @return the response with its body as text
     */
    public static HttpResponse<String> send(String method, String url, String body, String... headers) {
        return send(request(url, headers).method(method, HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpRequest.Builder request(String url, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
