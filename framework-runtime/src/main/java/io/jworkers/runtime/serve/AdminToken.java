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

    /**
     * The shortest token accepted: 16 characters. A token is the only thing between the network
     * and deploying code; {@code openssl rand -hex 32} makes a good one.
     */
    static final int MIN_LENGTH = 16;

    AdminToken(String token) {
        this.digest = sha256(check(token));
    }

    /**
     * Checks a token before the host starts.
     *
     * @param token the token as configured
     * @return the token without surrounding white space
     * @throws IllegalArgumentException if it is empty or shorter than {@link #MIN_LENGTH}
     */
    static String check(String token) {
        String stripped = token == null ? "" : token.strip();
        if (stripped.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the admin token is " + stripped.length() + " characters long; use at least "
                    + MIN_LENGTH + " (anyone who guesses it can deploy code), e.g. openssl rand -hex 32 > admin-token"
                    + " && chmod 600 admin-token, then --token-file admin-token");
        }
        return stripped;
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
