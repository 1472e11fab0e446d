package io.jworkers.runtime.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: an incoming {@code x-request-id} is honoured when it is a sane token, else the
 * trace id of a W3C {@code traceparent}, so a request can be followed across systems; otherwise
 * a new random id is made.
 */
final class RequestIds {

    static final String HEADER = "x-request-id";
    static final String TRACEPARENT = "traceparent";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    static String choose(String requestId, String traceparent) {
        if (isAcceptable(requestId)) {
            return requestId;
        }
        String traceId = traceIdOf(traceparent);
        return traceId != null ? traceId : create();
    }

    static String create() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }

    // version-traceid-parentid-flags: 2, 32, 16 and 2 lower-case hex digits; an all-zero trace id is invalid.
    private static String traceIdOf(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        String[] parts = traceparent.trim().split("-");
        if (parts.length < 4 || !isHex(parts[0], 2) || !isHex(parts[1], 32) || !isHex(parts[2], 16) || !isHex(parts[3], 2)
                || parts[1].chars().allMatch(c -> c == '0') || parts[0].equals("ff")) {
            return null;
        }
        return parts[1];
    }

    private static boolean isHex(String text, int length) {
        return text.length() == length && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
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
