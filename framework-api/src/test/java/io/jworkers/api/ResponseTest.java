package io.jworkers.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResponseTest {

    @Test
    void textSetsStatusBodyAndContentType() {
        Response response = Response.text(403, "no");
        assertEquals(403, response.status());
        assertFalse(response.ok());
        assertEquals("text/plain;charset=UTF-8", response.headers().get("content-type"));
        assertEquals(2, response.knownLength());
        assertEquals("no", response.text());
    }

    @Test
    void jsonSetsItsContentType() {
        assertEquals("application/json", Response.json(200, "{}").headers().get("Content-Type"));
    }

    @Test
    void emptyHasNoBody() {
        Response response = Response.empty(204);
        assertFalse(response.hasBody());
        assertEquals(0, response.knownLength());
        assertEquals("", response.text());
    }

    @Test
    void statusOutsideTwoHundredToFiveNinetyNineIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Response.empty(99));
        assertEquals("HTTP status 99 is out of range: use 200 to 599", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Response.empty(600));
    }

    @Test
    void cloneAllowsReadingTwiceWhileTheOriginalStaysOneShot() {
        Response response = Response.text(200, "body");
        Response copy = response.clone();
        assertEquals("body", response.text());
        assertEquals("body", copy.text());
        assertTrue(response.bodyUsed());
        assertThrows(IllegalStateException.class, response::text);
    }
}
