package io.jworkers.runtime.http;

import java.util.List;

/**
 * Cheap, conservative checks of request parts the ingress takes from Helidon: when they pass,
 * {@code URI.create} and {@code Headers.Builder.add} are certain to accept the same text, so
 * the ingress may hand it on unparsed or unchecked. Anything unusual fails the check and goes
 * the slow way, which accepts or refuses it exactly as before.
 */
final class UriText {

    private static final boolean[] PATH = new boolean[128];
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            PATH[c] = PATH[c - 'a' + 'A'] = TOKEN[c] = TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            PATH[c] = TOKEN[c] = true;
        }
        // java.net.URI's path characters: unreserved, ":@&=+$," and ";/" (plus escapes, see below).
        for (char c : "-._~!$&'()*+,;=:@/".toCharArray()) {
            PATH[c] = true;
        }
        // Headers.Builder's name characters (HTTP tokens).
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private UriText() {
    }

    /**
     * Whether {@code host[:port]} (lower case) is a plain DNS name or IPv4 address with an
     * optional port of up to five digits.
     */
    static boolean isPlainAuthority(String authority) {
        int length = authority.length();
        if (length == 0 || !isLowerAlphanumeric(authority.charAt(0))) {
            return false;
        }
        int colon = -1;
        for (int i = 1; i < length; i++) {
            char c = authority.charAt(i);
            if (c == ':') {
                colon = i;
                break;
            }
            if (!isLowerAlphanumeric(c) && c != '.' && c != '-') {
                return false;
            }
        }
        if (colon < 0) {
            return true;
        }
        int digits = length - colon - 1;
        if (digits < 1 || digits > 5) {
            return false;
        }
        for (int i = colon + 1; i < length; i++) {
            char c = authority.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a request target ({@code /path?query}) has only characters {@code java.net.URI}
     * accepts in a path and a query, with well-formed {@code %XX} escapes.
     */
    static boolean isPlainTarget(String target) {
        int length = target.length();
        if (length == 0 || target.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = target.charAt(i);
            if (c < 128 && PATH[c]) {
                continue;
            }
            if (c == '?') {
                continue; // the first starts the query, where '?' is allowed too
            }
            if (c == '%' && i + 2 < length && isHex(target.charAt(i + 1)) && isHex(target.charAt(i + 2))) {
                i += 2;
                continue;
            }
            return false;
        }
        return true;
    }

    /** Whether a header name is an HTTP token, as {@code Headers.Builder.add} requires. */
    static boolean isToken(String name) {
        int length = name.length();
        if (length == 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (c >= 128 || !TOKEN[c]) {
                return false;
            }
        }
        return true;
    }

    /** Whether header values are non-null and hold no CR, LF or NUL, as {@code Headers.Builder.add} requires. */
    static boolean areFieldValues(List<String> values) {
        for (String value : values) {
            if (value == null) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isLowerAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
