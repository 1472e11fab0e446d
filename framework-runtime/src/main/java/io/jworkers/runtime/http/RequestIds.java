package io.jworkers.runtime.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: an incoming {@code x-request-id} is honoured when it is a sane token, so a
 * request can be followed across systems; otherwise a new random id is made.
 */
final class RequestIds {

    static final String HEADER = "x-request-id";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    static String fromHeaderOrNew(String incoming) {
        return isAcceptable(incoming) ? incoming : create();
    }

    static String create() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }

    // Only characters that are safe in a log line and a header: no spaces, quotes or control characters.
    private static boolean isAcceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
