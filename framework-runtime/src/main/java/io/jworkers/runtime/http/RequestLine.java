package io.jworkers.runtime.http;

/**
 * The first line of a request that Helidon's HTTP/1.1 connection did not take:
 * {@code METHOD SP target SP version}, or {@code METHOD SP target} as HTTP/0.9 sent it.
 *
 * @param method the method, an HTTP token
 * @param target the request target, as sent
 * @param version the version, e.g. {@code HTTP/1.0}; empty for an HTTP/0.9-style line
 */
record RequestLine(String method, String target, String version) {

    /**
     * Parses a line (without its line ending).
     *
     * @param line the line
     * @return the request line, or {@code null} if the line is not one: then the stream is not
     *     HTTP at all, and the connection is closed without an answer
     */
    static RequestLine parse(String line) {
        int firstSpace = line.indexOf(' ');
        if (firstSpace <= 0 || !UriText.isToken(line.substring(0, firstSpace))) {
            return null;
        }
        int lastSpace = line.lastIndexOf(' ');
        String last = line.substring(lastSpace + 1);
        if (lastSpace == firstSpace || !isVersion(last)) {
            // No version: HTTP/0.9 sent "GET /path".
            String target = line.substring(firstSpace + 1);
            return target.isEmpty() || target.indexOf(' ') >= 0 ? null
                    : new RequestLine(line.substring(0, firstSpace), target, "");
        }
        // A target with a space in it is kept as it is: the request is refused as a bad target.
        String target = line.substring(firstSpace + 1, lastSpace);
        return target.isEmpty() ? null : new RequestLine(line.substring(0, firstSpace), target, last);
    }

    /**
     * The version as a client would name it in an answer: {@code HTTP/0.9} for a line without one.
     *
     * @return the version
     */
    String versionName() {
        return version.isEmpty() ? "HTTP/0.9" : version;
    }

    // "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3), or "HTTP/" DIGIT, as HTTP/2 and HTTP/3 are often written.
    private static boolean isVersion(String version) {
        int length = version.length();
        return version.startsWith("HTTP/") && (length == 6 && isDigit(version.charAt(5))
                || length == 8 && isDigit(version.charAt(5)) && version.charAt(6) == '.' && isDigit(version.charAt(7)));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
