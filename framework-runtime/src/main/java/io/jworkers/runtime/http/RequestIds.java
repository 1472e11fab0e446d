package io.jworkers.runtime.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: an incoming {@code x-request-id} is honoured when it is a sane token, else the
 * trace id of a W3C {@code traceparent}, so a request can be followed across systems; otherwise
 * a new random id is made: 32 lower-case hex digits (128 random bits, so also a valid W3C trace id).
 */
final class RequestIds {

    static final String HEADER = "x-request-id";
    static final String TRACEPARENT = "traceparent";
    // Made once: HeaderNames.create builds a new name (and its lower case) on every call.
    static final HeaderName HEADER_NAME = HeaderNames.createFromLowercase(HEADER);
    static final HeaderName TRACEPARENT_NAME = HeaderNames.createFromLowercase(TRACEPARENT);
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
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
        byte[] text = new byte[32];
        hex(random.nextLong(), text, 0);
        hex(random.nextLong(), text, 16);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    // 16 hex digits, leading zeros included.
    private static void hex(long value, byte[] into, int at) {
        for (int i = at + 15; i >= at; i--) {
            into[i] = HEX_DIGITS[(int) value & 0xf];
            value >>>= 4;
        }
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
