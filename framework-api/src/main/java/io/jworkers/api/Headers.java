package io.jworkers.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable, case-insensitive, multi-valued HTTP headers, shaped like the Fetch API's
 * {@code Headers}.
 *
 * <p>Names are compared case-insensitively and reported in lower case (as Fetch does);
 * values keep the order in which they were added. Instances are immutable and safe to share
 * between threads and workers: a binding call passes them by reference.
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(Map.of());

    // Keys are lower-cased names; values are unmodifiable lists.
    private final Map<String, List<String>> values;

    private Headers(Map<String, List<String>> values) {
        this.values = values;
    }

    // For the host (through HostBridge): values it has already checked as Builder.add would, with
    // lower-case names and unmodifiable lists, in a map nobody changes afterwards. Not copied.
    static Headers trusted(Map<String, List<String>> values) {
        return values.isEmpty() ? EMPTY : new Headers(Collections.unmodifiableMap(values));
    }

    // For the host: these headers with one (lower-case) header replaced by a value made on first read.
    Headers withLazy(String name, java.util.function.Supplier<String> value) {
        return new Headers(new HeaderOverride(values, name, value));
    }

    /**
     * Returns headers with no entries.
     *
     * @return the empty headers; never {@code null}
     */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Builds headers from alternating names and values, e.g.
     * {@code Headers.of("content-type", "text/plain", "x-id", "7")}.
     *
     * @param namesAndValues name, value, name, value, ...
     * @return the headers
     * @throws IllegalArgumentException if the count is odd, or a name or value is invalid
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of takes name/value pairs; got an odd number of arguments ("
                    + namesAndValues.length + ")");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /**
     * Starts an empty builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the first value of a header.
     *
     * @param name the header name, any case
     * @return the first value, or {@code null} if the header is absent
     */
    public String get(String name) {
        List<String> list = values.get(lower(name));
        return list == null ? null : list.get(0);
    }

    /**
     * Returns every value of a header, in the order they were added.
     *
     * @param name the header name, any case
     * @return an unmodifiable list; empty (never {@code null}) if the header is absent
     */
    public List<String> all(String name) {
        List<String> list = values.get(lower(name));
        return list == null ? List.of() : list;
    }

    /**
     * Tells whether a header is present.
     *
     * @param name the header name, any case
     * @return {@code true} if at least one value is present
     */
    public boolean has(String name) {
        return values.containsKey(lower(name));
    }

    /**
     * Returns the names of the headers present, lower-cased, in insertion order.
     *
     * @return an unmodifiable set
     */
    public Set<String> names() {
        return values.keySet();
    }

    /**
     * Tells whether there are no headers.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * Starts a builder holding a copy of these headers.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        values.forEach((name, list) -> builder.values.put(name, new ArrayList<>(list)));
        return builder;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Headers headers && headers.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }

    private static String lower(String name) {
        Objects.requireNonNull(name, "header name");
        return name.toLowerCase(Locale.ROOT);
    }

    /** A mutable builder of {@link Headers}; not thread-safe. */
    public static final class Builder {

        private final Map<String, List<String>> values = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a value to a header, keeping the values it already has.
         *
         * @param name the header name (an HTTP token)
         * @param value the value (no CR, LF or NUL)
         * @return this builder
         * @throws IllegalArgumentException if the name is not an HTTP token or the value holds CR, LF or NUL
         */
        public Builder add(String name, String value) {
            values.computeIfAbsent(checkName(name), n -> new ArrayList<>(1)).add(checkValue(name, value));
            return this;
        }

        /**
         * Sets a header to a single value, replacing the values it had.
         *
         * @param name the header name (an HTTP token)
         * @param value the value (no CR, LF or NUL)
         * @return this builder
         * @throws IllegalArgumentException if the name is not an HTTP token or the value holds CR, LF or NUL
         */
        public Builder set(String name, String value) {
            List<String> list = new ArrayList<>(1);
            list.add(checkValue(name, value));
            values.put(checkName(name), list);
            return this;
        }

        /**
         * Removes a header and all its values.
         *
         * @param name the header name, any case
         * @return this builder
         */
        public Builder remove(String name) {
            values.remove(lower(name));
            return this;
        }

        boolean has(String name) {
            return values.containsKey(lower(name));
        }

        /**
         * Builds the immutable headers.
         *
         * @return the headers
         */
        public Headers build() {
            if (values.isEmpty()) {
                return EMPTY;
            }
            Map<String, List<String>> copy = new LinkedHashMap<>(values.size() * 2);
            values.forEach((name, list) -> copy.put(name, List.copyOf(list)));
            return new Headers(Collections.unmodifiableMap(copy));
        }

        private static String checkName(String name) {
            Objects.requireNonNull(name, "header name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("Header name must not be empty");
            }
            for (int i = 0; i < name.length(); i++) {
                if (!isTokenChar(name.charAt(i))) {
                    throw new IllegalArgumentException("Invalid header name \"" + name
                            + "\": only letters, digits and !#$%&'*+-.^_`|~ are allowed");
                }
            }
            return name.toLowerCase(Locale.ROOT);
        }

        private static String checkValue(String name, String value) {
            Objects.requireNonNull(value, () -> "value of header " + name);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    throw new IllegalArgumentException("Invalid value for header \"" + name
                            + "\": CR, LF and NUL are not allowed");
                }
            }
            return value;
        }

        private static boolean isTokenChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
