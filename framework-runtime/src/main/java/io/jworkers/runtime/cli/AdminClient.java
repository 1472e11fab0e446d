package io.jworkers.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CLI's side of the admin API: authenticated requests, JSON answers, and errors turned into
 * messages that say what to do.
 */
final class AdminClient {

    static final String DEFAULT_HOST = "http://127.0.0.1:9090";
    static final String TOKEN_VARIABLE = "JWORKERS_ADMIN_TOKEN";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String host;
    private final String token;

    /**
     * @param host the admin API's URL
     * @param token the bearer token, or {@code null} to send none (dev's loopback listener)
     */
    AdminClient(String host, String token) {
        this.host = host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
        this.token = token;
    }

    /**
     * Reads the admin token from {@code --token-file}, else {@code JWORKERS_ADMIN_TOKEN}.
     *
     * @param command the command, for messages
     * @param tokenFile the file, or {@code null}
     * @param environment the process environment
     * @return the token
     */
    static String token(String command, String tokenFile, Map<String, String> environment) {
        if (tokenFile != null) {
            try {
                String token = Files.readString(Path.of(tokenFile)).strip();
                if (!token.isEmpty()) {
                    return token;
                }
                throw new UsageException("jworkers " + command + ": the token file " + tokenFile + " is empty");
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UsageException("jworkers " + command + ": the token file " + tokenFile + " does not exist;"
                        + " write the host's admin token into it (chmod 600), or set " + TOKEN_VARIABLE);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new UsageException("jworkers " + command + ": the token file " + tokenFile + " is not readable by this"
                        + " user (permission denied)");
            } catch (IOException e) {
                throw new UsageException("jworkers " + command + ": cannot read the token file " + tokenFile + ": "
                        + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
        String token = environment.get(TOKEN_VARIABLE);
        if (token == null || token.isBlank()) {
            throw new UsageException("jworkers " + command + ": no admin token: set " + TOKEN_VARIABLE
                    + " or pass --token-file FILE (the token the host was started with)");
        }
        return token.strip();
    }

    /**
     * As {@link #token}, except that without a token file or variable a loopback {@code --host}
     * gets none: {@code jworkers dev}'s admin listener (127.0.0.1 only) asks for none, and serve's
     * answers 401 without one, which the user then sees.
     *
     * @param command the command, for messages
     * @param tokenFile the file, or {@code null}
     * @param environment the process environment
     * @param host the {@code --host} given, or {@code null} for the default
     * @return the token, or {@code null} for none
     */
    static String tokenUnlessLoopback(String command, String tokenFile, Map<String, String> environment, String host) {
        String variable = environment.get(TOKEN_VARIABLE);
        if (tokenFile == null && (variable == null || variable.isBlank()) && host != null && isLoopback(host)) {
            return null;
        }
        return token(command, tokenFile, environment);
    }

    // Compared as written, never resolved: a name that resolves to 127.0.0.1 today may not tomorrow.
    private static boolean isLoopback(String url) {
        String name;
        try {
            name = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        return name != null && (name.equalsIgnoreCase("localhost") || name.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}")
                || name.equals("[::1]"));
    }

    JsonNode get(String path, Map<String, String> query) {
        return send(request(path, query).GET().build());
    }

    JsonNode post(String path, Map<String, String> query, HttpRequest.BodyPublisher body) {
        return send(request(path, query).POST(body).build());
    }

    JsonNode put(String path, Map<String, String> query, String body) {
        return send(request(path, query).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    JsonNode delete(String path, Map<String, String> query) {
        return send(request(path, query).DELETE().build());
    }

    /**
     * Reads a server-sent event stream ({@code text/event-stream}) until the host ends it. A
     * refusal (a status of 400 or more) throws as the other requests do.
     *
     * @param path the API path
     * @param query its parameters ({@code null} values left out)
     * @param comments takes each comment line's text (the host's "listening" note, heartbeats)
     * @param messages takes each message: its event name ({@code message} when unnamed) and data
     */
    void stream(String path, Map<String, String> query, java.util.function.Consumer<String> comments,
            java.util.function.BiConsumer<String, String> messages) {
        // No timeout: a tail waits for events as long as its user wants.
        HttpRequest.Builder builder = HttpRequest.newBuilder(request(path, query).build().uri()).header("accept", "text/event-stream");
        if (token != null) {
            builder.header("authorization", "Bearer " + token);
        }
        HttpRequest request = builder.GET().build();
        HttpResponse<java.util.stream.Stream<String>> response = exchange(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() >= 400 || !response.headers().firstValue("content-type").orElse("")
                .startsWith("text/event-stream")) {
            String body;
            try (java.util.stream.Stream<String> lines = response.body()) {
                body = lines.collect(Collectors.joining("\n"));
            }
            answer(response.statusCode(), body);
            throw new AdminException("the server at " + host + " answered " + response.statusCode()
                    + " without an event stream: is --host the admin port of jworkers serve or jworkers dev?");
        }
        String event = "message";
        StringBuilder data = new StringBuilder();
        try (java.util.stream.Stream<String> lines = response.body()) {
            java.util.Iterator<String> each = lines.iterator();
            while (each.hasNext()) {
                String line = each.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        messages.accept(event, data.toString());
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.accept(line.substring(1).strip());
                } else if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw new AdminException("the connection to " + host + " broke: " + reason(e.getCause()));
        }
    }

    // The HTTP client wraps what went wrong in "closed", and that in its parser's state: the
    // innermost cause says what happened (e.g. "EOF reached while reading": the host went away).
    private static String reason(Throwable failure) {
        String reason = failure.getMessage();
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                reason = cause.getMessage();
            }
        }
        return reason != null ? reason : failure.getClass().getSimpleName();
    }

    /**
     * Uploads a bundle; secrets to set with it travel first in the same body (see the host's
     * {@code DeployUpload}), so that the version and its secrets are one change.
     */
    JsonNode deploy(String path, Map<String, String> query, Map<String, String> secrets, Path bundle) throws IOException {
        HttpRequest.Builder request = request(path, query).header("content-type", "application/zip");
        if (secrets.isEmpty()) {
            return send(request.POST(HttpRequest.BodyPublishers.ofFile(bundle)).build());
        }
        byte[] json = JSON.writeValueAsBytes(secrets);
        return send(request.header("x-jworkers-secrets-bytes", Integer.toString(json.length))
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(json),
                        HttpRequest.BodyPublishers.ofFile(bundle))).build());
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        String encoded = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(host + path + (encoded.isEmpty() ? "" : "?" + encoded)))
                .timeout(Duration.ofMinutes(5));
        return token == null ? request : request.header("authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
        return answer(response.statusCode(), response.body());
    }

    // One request to the host, its failures said as the CLI says them.
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return HTTP.send(request, body);
        } catch (ConnectException e) {
            throw new AdminException("no jworkers host answers at " + host
                    + ": start one with jworkers serve, or pass --host URL");
        } catch (IOException e) {
            throw new AdminException("the request to " + host + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }

    // The JSON of an answer; a refusal throws with the host's message.
    private JsonNode answer(int status, String text) {
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (IOException e) {
            body = null;
        }
        if (body == null || status >= 400 && !body.path("error").isTextual()) {
            throw new AdminException("the server at " + host + " answered " + status + " with something"
                    + " that is not the admin API's JSON: is --host the admin port of jworkers serve (default 9090;"
                    + " serve prints it as \"admin API on ...\"), not its public port?");
        }
        if (status >= 400) {
            throw new AdminException(body.path("error").asText("the host answered " + status));
        }
        return body;
    }

    /** The host refused or failed; the message says why. */
    static final class AdminException extends RuntimeException {
        AdminException(String message) {
            super(message);
        }
    }
}
