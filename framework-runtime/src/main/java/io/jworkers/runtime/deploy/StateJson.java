package io.jworkers.runtime.deploy;

import static io.jworkers.runtime.json.TreeFields.known;
import static io.jworkers.runtime.json.TreeFields.object;
import static io.jworkers.runtime.json.TreeFields.present;
import static io.jworkers.runtime.json.TreeFields.text;
import static io.jworkers.runtime.json.TreeFields.wholeNumber;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import io.jworkers.runtime.json.JsonTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the state folder's JSON records (version indexes, version records, secret sets) from
 * Jackson trees, as {@code serve} does at every start, and writes secret sets, without a mapper: the first
 * {@code ObjectMapper} of a JVM (with its date module) is ~560 classes that a start-up cache
 * keeps and maps in at every start (docs/PERFORMANCE.md, §9 "A sixth run"). The
 * indexes and version records are written by a mapper ({@link VersionRecords}); what this reads is
 * what that writes, and anything else is an {@link IOException} saying what is wrong and where.
 */
final class StateJson {

    // Secret files written by older versions may hold values longer than Jackson's default limit.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private StateJson() {
    }

    /** An index: {@code {"current": 2, "latest": 3, "split": [{"version": 3, "percent": 10}, ...], "splitMessage": "..."}}. */
    static VersionRecords.Index index(byte[] json) throws IOException {
        JsonNode root = object(read(json), "the index");
        known(root, "the index", Set.of("current", "latest", "split", "splitMessage"));
        List<TrafficSplit.Share> split = null;
        JsonNode shares = present(root, "split");
        if (shares != null) {
            if (!shares.isArray()) {
                throw new IOException("field \"split\": expected a list of shares, found " + shares.getNodeType());
            }
            split = new ArrayList<>();
            for (int i = 0; i < shares.size(); i++) {
                String where = "split[" + i + "]";
                JsonNode share = object(shares.get(i), where);
                known(share, where, Set.of("version", "percent"));
                split.add(new TrafficSplit.Share(wholeNumber(share, "version", where), wholeNumber(share, "percent", where)));
            }
        }
        JsonNode current = present(root, "current");
        return new VersionRecords.Index(current == null ? null : wholeNumber(root, "current", "the index"),
                wholeNumber(root, "latest", "the index"), split, text(root, "splitMessage", "the index"));
    }

    /** A version record: {@code {"number": 1, "createdAt": "...Z", "message": ..., "sha256": ..., "routesTaken": {route: instant}}}. */
    static VersionInfo version(byte[] json) throws IOException {
        JsonNode root = object(read(json), "the record");
        known(root, "the record", Set.of("number", "createdAt", "message", "sha256", "routesTaken"));
        Map<String, Instant> routesTaken = null;
        JsonNode routes = present(root, "routesTaken");
        if (routes != null) {
            object(routes, "field \"routesTaken\"");
            routesTaken = new TreeMap<>();
            for (Map.Entry<String, JsonNode> route : routes.properties()) {
                routesTaken.put(route.getKey(), instant(routes, route.getKey(), "routesTaken"));
            }
        }
        return new VersionInfo(wholeNumber(root, "number", "the record"), instant(root, "createdAt", "the record"),
                text(root, "message", "the record"), text(root, "sha256", "the record"), routesTaken);
    }

    /**
     * A secret set: a JSON object of strings, sorted by name.
     *
     * @throws IOException if it is not one; the message quotes no value
     */
    static TreeMap<String, String> strings(byte[] json) throws IOException {
        JsonNode root = object(read(json), "the set");
        TreeMap<String, String> strings = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!field.getValue().isTextual()) {
                throw new IOException("the value of \"" + field.getKey() + "\" is not a string");
            }
            strings.put(field.getKey(), field.getValue().textValue());
        }
        return strings;
    }

    /**
     * A secret set as it is stored: a compact JSON object of strings in the map's order, UTF-8.
     */
    static byte[] stringsJson(Map<String, String> strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            for (Map.Entry<String, String> field : strings.entrySet()) {
                generator.writeStringField(field.getKey(), field.getValue());
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return out.toByteArray();
    }

    private static JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonNode tree = JsonTrees.read(parser);
            if (parser.nextToken() != null) {
                throw new IOException("content after the top-level value");
            }
            return tree;
        }
    }

    private static Instant instant(JsonNode object, String name, String what) throws IOException {
        String text = text(object, name, what);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IOException(what + ": field \"" + name + "\" is not an instant like 2026-01-02T03:04:05Z: " + text);
        }
    }
}
