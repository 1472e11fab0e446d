package io.jworkers.runtime.values;

import io.jworkers.api.Headers;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The types whose values cross a worker boundary by reference: immutable JDK values and the
 * API's messages, which every worker sees as the same classes. Everything else is copied.
 */
public final class SharedTypes {

    private static final Set<Class<?>> EXACT = Set.of(
            String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class, Long.class,
            Float.class, Double.class, BigDecimal.class, BigInteger.class, UUID.class, URI.class, Locale.class,
            Currency.class, Request.class, Response.class, Headers.class);

    private SharedTypes() {
    }

    /**
     * Tells whether values of this exact class pass by reference.
     *
     * @param type a runtime or declared class
     * @return {@code true} for primitives, boxes, {@code String}, {@code java.time} values,
     *     {@code BigDecimal}/{@code BigInteger}, {@code UUID}, {@code URI}, JDK enums and the API messages
     */
    public static boolean byReference(Class<?> type) {
        if (type.isPrimitive() || EXACT.contains(type)) {
            return true;
        }
        boolean jdk = type.getClassLoader() == null || type.getClassLoader() == ClassLoader.getPlatformClassLoader();
        // java.time values are immutable, including the enums (DayOfWeek, Month) and ZoneId's subclasses.
        return jdk && (type.isEnum() || type.getPackageName().equals("java.time"));
    }
}
