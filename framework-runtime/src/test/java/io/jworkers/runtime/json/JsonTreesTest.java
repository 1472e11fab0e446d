package io.jworkers.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Trees read without a mapper are the mapper's trees, node kind for node kind, and write back the same. */
class JsonTreesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String EVERY_KIND = """
            {"text": "a\\u00e9\\"b", "int": 42, "negative": -7, "long": 9007199254740993,
             "big": 123456789012345678901234567890, "double": 2.5, "exponent": 1e400,
             "yes": true, "no": false, "nothing": null, "empty": {}, "none": [],
             "nested": {"list": [1, "two", [3.0, {"four": 4}], null]}}""";

    private static JsonNode read(String json) throws Exception {
        return JsonTrees.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyKindOfValueBecomesTheNodeTheMapperMakes() throws Exception {
        JsonNode ours = read(EVERY_KIND);
        JsonNode theirs = MAPPER.readTree(EVERY_KIND);
        assertEquals(theirs, ours);
        for (String field : new String[] {"text", "int", "negative", "long", "big", "double", "exponent", "yes", "nothing"}) {
            assertEquals(theirs.get(field).getClass(), ours.get(field).getClass(), field);
        }
        assertEquals("BigIntegerNode", ours.get("big").getClass().getSimpleName());
        assertEquals(9007199254740993L, ours.get("long").longValue());
    }

    @Test
    void writingGivesTheMappersCompactText() throws Exception {
        JsonNode tree = read(EVERY_KIND);
        assertEquals(MAPPER.writeValueAsString(tree), JsonTrees.write(tree));
        assertEquals("{\"tenant\":\"t1\",\"limits\":[1,2.5,null]}", JsonTrees.write(read("{ \"tenant\" : \"t1\", \"limits\": [1, 2.5, null] }")));
    }

    @Test
    void aParserIsReadFromItsCurrentTokenOrTheNextAndLeftOnTheValuesLastToken() throws Exception {
        try (JsonParser parser = JsonTrees.PLAIN.createParser("{\"a\": [1]} [2]")) {
            assertEquals(MAPPER.readTree("{\"a\": [1]}"), JsonTrees.read(parser));
            assertEquals(JsonToken.END_OBJECT, parser.currentToken());
            assertEquals(JsonToken.START_ARRAY, parser.nextToken());
            assertEquals(MAPPER.readTree("[2]"), JsonTrees.read(parser));
            assertEquals(JsonToken.END_ARRAY, parser.currentToken());
            assertTrue(parser.nextToken() == null);
        }
    }

    @Test
    void readingExactlyKeepsEveryFractionAsTheMapperDoesWithBigDecimalsForFloats() throws Exception {
        String json = "{\"at\": 1764511429.837768319, \"list\": [0.1, 2e3, 7]}";
        ObjectMapper decimals = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        try (JsonParser parser = JsonTrees.PLAIN.createParser(json)) {
            JsonNode exact = JsonTrees.readExact(parser);
            assertEquals(decimals.readTree(json), exact);
            assertEquals(new java.math.BigDecimal("1764511429.837768319"), exact.get("at").decimalValue());
            assertTrue(exact.get("list").get(2).isInt());
        }
        // A double cannot hold those nanoseconds.
        assertTrue(read(json).get("at").isDouble());
    }

    @Test
    void noContentIsAMissingNode() throws Exception {
        assertTrue(read("  ") instanceof MissingNode);
    }

    @Test
    void brokenTextIsTheParsersErrorWithItsLocation() {
        JsonParseException truncated = assertThrows(JsonParseException.class, () -> read("{\"a\": [1, 2"));
        assertTrue(truncated.getMessage().contains("end-of-input"), truncated.getMessage());
        JsonParseException stray = assertThrows(JsonParseException.class, () -> read("{\"a\": 1,, }"));
        assertEquals(1, stray.getLocation().getLineNr());
        assertEquals(9, stray.getLocation().getColumnNr());
    }
}
