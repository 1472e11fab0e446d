package io.jworkers.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void namesAreCaseInsensitiveAndReportedInLowerCase() {
        Headers headers = Headers.of("X-Custom-Token", "abc", "Accept", "text/plain");
        assertEquals("abc", headers.get("x-custom-token"));
        assertEquals("abc", headers.get("X-CUSTOM-TOKEN"));
        assertEquals(Set.of("x-custom-token", "accept"), headers.names());
        assertNull(headers.get("missing"));
        assertEquals(List.of(), headers.all("missing"));
    }

    @Test
    void valuesAccumulateInOrderAndSetReplacesThem() {
        Headers headers = Headers.builder().add("Set-Cookie", "a=1").add("set-cookie", "b=2").build();
        assertEquals(List.of("a=1", "b=2"), headers.all("SET-COOKIE"));
        assertEquals("a=1", headers.get("set-cookie"));
        assertEquals(List.of("c=3"), headers.toBuilder().set("Set-Cookie", "c=3").build().all("set-cookie"));
    }

    @Test
    void headerInjectionIsRejected() {
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                () -> Headers.of("x-a", "1\r\nx-b: 2"));
        assertEquals("Invalid value for header \"x-a\": CR, LF and NUL are not allowed", value.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Headers.of("x a", "1"));
        assertEquals("Invalid header name \"x a\": only letters, digits and !#$%&'*+-.^_`|~ are allowed", name.getMessage());
    }

    @Test
    void anOddNumberOfArgumentsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Headers.of("only-a-name"));
    }

    @Test
    void headersAreImmutable() {
        Headers headers = Headers.of("a", "1");
        assertThrows(UnsupportedOperationException.class, () -> headers.all("a").add("2"));
    }
}
