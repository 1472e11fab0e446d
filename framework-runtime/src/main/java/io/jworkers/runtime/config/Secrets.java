package io.jworkers.runtime.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A worker's secret values by name.
 *
 * <p>A class of its own rather than a {@code Map} so that the values cannot leak by accident:
 * {@link #toString()} lists names only, and there is no way to get all values at once, so
 * logging a config, an exception or a debugger view never prints a secret.
 */
public final class Secrets {

    /** For workers that need no secrets, and for tests. */
    public static final Secrets NONE = new Secrets(Map.of());

    private final Map<String, String> values;

    private Secrets(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Copies the given secrets; later changes to the map are not seen.
     *
     * @param values secret values by name; no null names or values
     * @return the secrets
     */
    public static Secrets of(Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            Objects.requireNonNull(name, "secret name");
            // The name, never the value, so even this message is safe to print.
            Objects.requireNonNull(value, () -> "secret " + name + " has a null value");
            copy.put(name, value);
        });
        return copy.isEmpty() ? NONE : new Secrets(Collections.unmodifiableMap(copy));
    }

    /**
     * @param name a secret name
     * @return the secret's value, or empty if it is not set
     */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * The names and values, for a store to seal them; never to print.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> asMap() {
        return values;
    }

    /** The names, in the order they were given, for listings and "which secrets are set" messages. */
    public Set<String> names() {
        return values.keySet();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secrets secrets && values.equals(secrets.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** Names only: this is what ends up in logs and error messages. */
    @Override
    public String toString() {
        return "Secrets" + values.keySet();
    }
}
