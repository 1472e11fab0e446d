package io.jworkers.runtime.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code x-jworkers-version-overrides} request header: an RFC 8941 dictionary of worker
 * names to version numbers ({@code gateway="4", application="7"}; a bare integer such as
 * {@code gateway=4} is accepted too). An override pins a worker's version for the whole pipeline
 * when that version is part of the worker's current deployment, even at 0 %; otherwise it is
 * ignored. A header that is not a valid dictionary is ignored as a whole, as RFC 8941 says a
 * failed parse must be, and so is a member whose value is not a positive version number.
 */
public final class VersionOverrides {

    /** The request header. */
    public static final String HEADER = "x-jworkers-version-overrides";

    private VersionOverrides() {
    }

    /**
     * Parses the header.
     *
     * @param header the field value, or {@code null}
     * @return worker name to version number; empty when absent or not a valid dictionary
     */
    public static Map<String, Integer> parse(String header) {
        if (header == null || header.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Integer> pins = new Parser(header).dictionary();
            return pins.isEmpty() ? Map.of() : Map.copyOf(pins);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }

    // RFC 8941 section 4.2.2 (dictionaries), with the item types a version can be: strings and
    // integers. Other bare items (tokens, decimals, byte sequences, booleans) and parameters are
    // parsed so the rest of the header still counts, and their members are dropped.
    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        Map<String, Integer> dictionary() {
            Map<String, Integer> members = new LinkedHashMap<>();
            skip(' ');
            while (at < text.length()) {
                String key = key();
                Integer version = null;
                if (peek() == '=') {
                    at++;
                    version = item();
                }
                parameters();
                if (version != null && version > 0) {
                    members.put(key, version);
                } else {
                    members.remove(key); // a later member with the same key replaces an earlier one
                }
                skipWhitespace();
                if (at >= text.length()) {
                    break;
                }
                expect(',');
                skipWhitespace();
                if (at >= text.length()) {
                    throw new IllegalArgumentException("trailing comma");
                }
            }
            return members;
        }

        private String key() {
            char first = peek();
            if (!(first >= 'a' && first <= 'z') && first != '*') {
                throw new IllegalArgumentException("a key starts with a lowercase letter or *");
            }
            int start = at;
            while (at < text.length()) {
                char c = text.charAt(at);
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
                    at++;
                } else {
                    break;
                }
            }
            return text.substring(start, at);
        }

        // The version the item names, or null for an item of another type (still parsed).
        private Integer item() {
            char c = peek();
            if (c == '"') {
                String value = string();
                return value.matches("[1-9][0-9]{0,8}") ? Integer.valueOf(value) : null;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            }
            if (c == '?') {
                at++;
                char b = peek();
                if (b != '0' && b != '1') {
                    throw new IllegalArgumentException("bad boolean");
                }
                at++;
                return null;
            }
            if (c == ':') {
                int end = text.indexOf(':', at + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated byte sequence");
                }
                at = end + 1;
                return null;
            }
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
                while (at < text.length() && isTokenChar(text.charAt(at))) {
                    at++;
                }
                return null;
            }
            throw new IllegalArgumentException("bad item");
        }

        private String string() {
            StringBuilder value = new StringBuilder();
            at++;
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '\\') {
                    if (at >= text.length()) {
                        throw new IllegalArgumentException("bad escape");
                    }
                    char escaped = text.charAt(at++);
                    if (escaped != '"' && escaped != '\\') {
                        throw new IllegalArgumentException("bad escape");
                    }
                    value.append(escaped);
                } else if (c == '"') {
                    return value.toString();
                } else if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException("bad string character");
                } else {
                    value.append(c);
                }
            }
            throw new IllegalArgumentException("unterminated string");
        }

        private Integer number() {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            boolean decimal = false;
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c >= '0' && c <= '9') {
                    at++;
                } else if (c == '.' && !decimal) {
                    decimal = true;
                    at++;
                } else {
                    break;
                }
            }
            String number = text.substring(start, at);
            if (number.equals("-") || number.endsWith(".") || number.length() > 16) {
                throw new IllegalArgumentException("bad number");
            }
            if (decimal || number.startsWith("-") || number.length() > 9) {
                return null;
            }
            return Integer.valueOf(number);
        }

        private void parameters() {
            while (peek() == ';') {
                at++;
                skip(' ');
                key();
                if (peek() == '=') {
                    at++;
                    item();
                }
            }
        }

        private static boolean isTokenChar(char c) {
            return c > 0x20 && c < 0x7f && "\"(),;<=>?@[\\]{}".indexOf(c) < 0;
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected " + c);
            }
            at++;
        }

        private void skip(char c) {
            while (peek() == c) {
                at++;
            }
        }

        private void skipWhitespace() {
            while (peek() == ' ' || peek() == '\t') {
                at++;
            }
        }
    }
}
