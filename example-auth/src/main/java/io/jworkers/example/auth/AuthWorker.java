package io.jworkers.example.auth;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The private auth worker of the example: a request is allowed when its {@code x-custom-token}
 * header matches the {@code SECRET_TOKEN} secret.
 */
public final class AuthWorker extends WorkerEntrypoint {

    @Override
    public Response fetch(Request request, Env env) {
        String token = request.headers().get("x-custom-token");
        if (token != null && matches(token, env.secret("SECRET_TOKEN"))) {
            return Response.text(200, "Request allowed");
        }
        return Response.text(403, "x-custom-token does not match, request not allowed");
    }

    // Constant-time comparison: the time taken must not reveal how much of the token was right.
    private static boolean matches(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
