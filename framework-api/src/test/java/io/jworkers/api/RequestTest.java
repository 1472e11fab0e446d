package io.jworkers.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestTest {

    @Test
    void getBuildsABodylessRequestWithAnAbsoluteUrl() {
        Request request = Request.get("https://auth/check?x=1");
        assertEquals("GET", request.method());
        assertEquals("https://auth/check?x=1", request.url().toString());
        assertEquals("/check", request.path());
        assertFalse(request.hasBody());
        assertEquals("", request.text());
        assertEquals("", request.text(), "a missing body is never used up, as in Fetch");
        assertFalse(request.bodyUsed());
    }

    @Test
    void aPathIsResolvedAgainstLocalhost() {
        assertEquals("http://localhost/notes/7", Request.get("/notes/7").url().toString());
    }

    @Test
    void standardMethodsAreUpperCasedAndInvalidOnesRejected() {
        assertEquals("POST", Request.builder("post", "/").build().method());
        assertEquals("PROPFIND", Request.builder("PROPFIND", "/").build().method());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Request.builder("GE T", "/"));
        assertEquals("Invalid HTTP method \"GE T\"", error.getMessage());
    }

    @Test
    void anUnparsableUrlIsRejectedWithTheReason() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Request.get("http://a b/"));
        assertTrue(error.getMessage().startsWith("Invalid URL \"http://a b/\": "), error.getMessage());
    }

    @Test
    void aBodyCanBeReadOnceThenThrowsIllegalState() {
        Request request = Request.builder("POST", "/").body("hello").build();
        assertEquals("hello", request.text());
        assertTrue(request.bodyUsed());
        IllegalStateException error = assertThrows(IllegalStateException.class, request::bytes);
        assertEquals("The body has already been read; read it once, or clone() the message before reading",
                error.getMessage());
    }

    @Test
    void aStringBodyDefaultsItsContentTypeUnlessOneIsSet() {
        assertEquals("text/plain;charset=UTF-8", Request.builder("POST", "/").body("x").build().headers().get("Content-Type"));
        assertEquals("application/json", Request.builder("POST", "/").header("content-type", "application/json")
                .body("{}").build().headers().get("content-type"));
    }

    @Test
    void cloneGivesAnIndependentlyReadableCopyOfAStreamedBody() throws IOException {
        Request request = Request.builder("POST", "/").body(new ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8))).build();
        Request copy = request.clone();
        assertEquals("streamed", copy.text());
        try (InputStream in = request.stream()) {
            assertEquals("streamed", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThrows(IllegalStateException.class, request::clone, "a used body cannot be cloned");
    }

    @Test
    void bytesReturnsACopySoTheCallerCannotChangeAClone() {
        Request request = Request.builder("POST", "/").body(new byte[] {1, 2, 3}).build();
        Request copy = request.clone();
        byte[] read = request.bytes();
        read[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, copy.bytes());
    }

    @Test
    void toBuilderSharesTheBodyAsFetchDoes() {
        Request original = Request.builder("POST", "/a").body("once").build();
        Request derived = original.toBuilder().header("x-extra", "1").build();
        assertEquals("once", derived.text());
        assertTrue(original.bodyUsed());
        assertEquals("1", derived.headers().get("X-Extra"));
        assertEquals("/a", derived.path());
    }

    @Test
    void aRequestTheHostMakesFromTextParsesItsUrlOnlyWhenAskedAndActsLikeABuiltOne() {
        java.util.Map<String, java.util.List<String>> values = new java.util.LinkedHashMap<>();
        values.put("x-a", java.util.List.of("1", "2"));
        Headers headers = io.jworkers.bridge.HostBridge.messages().headers(values);
        Request request = io.jworkers.bridge.HostBridge.messages().request("get", "http://h:8/a%20b?q=%2F", null, headers,
                new ByteArrayInputStream("body".getBytes(StandardCharsets.UTF_8)));
        Request built = Request.builder("get", "http://h:8/a%20b?q=%2F").header("X-A", "1").header("x-a", "2")
                .body(new ByteArrayInputStream("body".getBytes(StandardCharsets.UTF_8))).build();
        assertEquals(built.method(), request.method());
        assertEquals(built.path(), request.path());
        assertEquals(built.url(), request.url());
        assertEquals(built.headers(), request.headers());
        assertEquals(built.toString(), request.toString());
        Request copy = request.clone();
        assertEquals(request.url(), copy.url());
        assertEquals("body", copy.text());
        assertEquals("body", request.text());
        assertEquals(request.url(), request.toBuilder().build().url());

        Request withPath = io.jworkers.bridge.HostBridge.messages().request("GET", "http://h/known", "/known", Headers.empty(), null);
        assertEquals("/known", withPath.path());
        assertFalse(withPath.hasBody());
        assertEquals(Headers.empty(), io.jworkers.bridge.HostBridge.messages().headers(new java.util.LinkedHashMap<>()));
    }
}
