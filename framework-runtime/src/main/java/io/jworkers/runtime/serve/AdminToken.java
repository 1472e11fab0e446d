package io.jworkers.runtime.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API's bearer token. Presented tokens are compared by their SHA-256 digests with
 * {@link MessageDigest#isEqual}, whose time does not depend on where the bytes differ, and
 * digests have one length, so neither the content nor the length of the token leaks by timing.
 */
final class AdminToken {

    private final byte[] digest;

    AdminToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("The admin token is empty");
        }
        this.digest = sha256(token.strip());
    }

    boolean matches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(7).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "AdminToken[hidden]";
    }
}
