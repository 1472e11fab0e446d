package io.jworkers.runtime.deploy.postgres;

import static io.jworkers.runtime.json.TreeFields.kind;
import static io.jworkers.runtime.json.TreeFields.known;
import static io.jworkers.runtime.json.TreeFields.longNumber;
import static io.jworkers.runtime.json.TreeFields.object;
import static io.jworkers.runtime.json.TreeFields.present;
import static io.jworkers.runtime.json.TreeFields.text;
import static io.jworkers.runtime.json.TreeFields.wholeNumber;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.datatype.jsr310.DecimalUtils;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.json.JsonTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The store's JSON: the routes a version took (a {@code jw_versions} column), the shares of a
 * split (a {@code jw_environments} column) and the cache's {@code snapshot.json}, read and written
 * with Jackson's streaming parser and generator. {@code serve --store} reads and writes them at
 * every start, and the first {@code ObjectMapper} of a JVM (with its date module) is ~560 classes
 * loaded at every start (docs/PERFORMANCE.md, §9 "A sixth run").
 *
 * <p>The text is what a mapper with Jackson's date module wrote before: instants as decimal
 * seconds ({@code 1764501234.123456000}), bytes as base64, absent values left out. Instants are
 * also read as ISO text ({@code 2026-11-30T10:00:00Z}), as the mapper read them. Anything else is
 * an {@link IOException} saying what is wrong and where.
 */
final class StoreJson {

    // Sealed secrets in a snapshot are base64 text, which may be longer than Jackson's default limit.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private StoreJson() {
    }

    /** A version's routes taken: {@code {"/route": instant, ...}}. */
    static Map<String, Instant> routes(String json) throws IOException {
        return routes(object(read(json), "routes_taken"), "routes_taken");
    }

    static String routesJson(Map<String, Instant> routes) {
        return written(out -> writeRoutes(out, routes));
    }

    /** A split's shares: {@code [{"version": 3, "percent": 10}, {"version": 2, "percent": 90}]}. */
    static List<TrafficSplit.Share> shares(String json) throws IOException {
        return shares(read(json), "split");
    }

    static String sharesJson(List<TrafficSplit.Share> shares) {
        return written(out -> writeShares(out, shares));
    }

    /** A snapshot: {@code {"revision": 7, "entries": [{"worker": ..., "info": {...}, "sealedSecrets": "base64", ...}]}}. */
    static Snapshot snapshot(byte[] json) throws IOException {
        JsonNode root = object(read(json), "the snapshot");
        known(root, "the snapshot", Set.of("revision", "entries"));
        List<Snapshot.Entry> entries = new ArrayList<>();
        JsonNode list = array(root, "entries", "the snapshot");
        for (int i = 0; i < list.size(); i++) {
            String where = "entries[" + i + "]";
            JsonNode entry = object(list.get(i), where);
            known(entry, where, Set.of("worker", "environment", "info", "sealedSecrets", "split", "splitMessage", "others"));
            List<Snapshot.Version> others = null;
            JsonNode versions = present(entry, "others");
            if (versions != null) {
                others = new ArrayList<>();
                JsonNode each = array(entry, "others", where);
                for (int j = 0; j < each.size(); j++) {
                    String at = where + ".others[" + j + "]";
                    JsonNode version = object(each.get(j), at);
                    known(version, at, Set.of("info", "sealedSecrets"));
                    others.add(new Snapshot.Version(info(version, at), bytes(version, "sealedSecrets", at)));
                }
            }
            JsonNode split = present(entry, "split");
            entries.add(new Snapshot.Entry(text(entry, "worker", where), text(entry, "environment", where),
                    info(entry, where), bytes(entry, "sealedSecrets", where),
                    split == null ? null : shares(split, where + ".split"), text(entry, "splitMessage", where), others));
        }
        return new Snapshot(longNumber(root, "revision", "the snapshot"), entries);
    }

    static byte[] write(Snapshot snapshot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberField("revision", snapshot.revision());
            generator.writeArrayFieldStart("entries");
            for (Snapshot.Entry entry : snapshot.entries()) {
                generator.writeStartObject();
                writeText(generator, "worker", entry.worker());
                writeText(generator, "environment", entry.environment());
                generator.writeFieldName("info");
                writeInfo(generator, entry.info());
                writeBytes(generator, "sealedSecrets", entry.sealedSecrets());
                if (entry.split() != null) {
                    generator.writeFieldName("split");
                    writeShares(generator, entry.split());
                }
                writeText(generator, "splitMessage", entry.splitMessage());
                if (entry.others() != null) {
                    generator.writeArrayFieldStart("others");
                    for (Snapshot.Version version : entry.others()) {
                        generator.writeStartObject();
                        generator.writeFieldName("info");
                        writeInfo(generator, version.info());
                        writeBytes(generator, "sealedSecrets", version.sealedSecrets());
                        generator.writeEndObject();
                    }
                    generator.writeEndArray();
                }
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a snapshot to memory failed", e);
        }
        return out.toByteArray();
    }

    private interface Writing {
        void to(JsonGenerator out) throws IOException;
    }

    private static String written(Writing writing) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            writing.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to a string failed", e);
        }
        return text.toString();
    }

    private static void writeInfo(JsonGenerator out, VersionInfo info) throws IOException {
        out.writeStartObject();
        out.writeNumberField("number", info.number());
        if (info.createdAt() != null) {
            out.writeFieldName("createdAt");
            writeInstant(out, info.createdAt());
        }
        writeText(out, "message", info.message());
        writeText(out, "sha256", info.sha256());
        out.writeFieldName("routesTaken");
        writeRoutes(out, info.routesTaken());
        out.writeEndObject();
    }

    private static void writeRoutes(JsonGenerator out, Map<String, Instant> routes) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, Instant> route : routes.entrySet()) {
            out.writeFieldName(route.getKey());
            writeInstant(out, route.getValue());
        }
        out.writeEndObject();
    }

    private static void writeShares(JsonGenerator out, List<TrafficSplit.Share> shares) throws IOException {
        out.writeStartArray();
        for (TrafficSplit.Share share : shares) {
            out.writeStartObject();
            out.writeNumberField("version", share.version());
            out.writeNumberField("percent", share.percent());
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    // As the date module writes an instant by default: seconds with nine decimals.
    private static void writeInstant(JsonGenerator out, Instant instant) throws IOException {
        out.writeNumber(DecimalUtils.toBigDecimal(instant.getEpochSecond(), instant.getNano()));
    }

    private static void writeText(JsonGenerator out, String name, String value) throws IOException {
        if (value != null) {
            out.writeStringField(name, value);
        }
    }

    private static void writeBytes(JsonGenerator out, String name, byte[] value) throws IOException {
        if (value != null) {
            out.writeFieldName(name);
            out.writeBinary(value);
        }
    }

    private static JsonNode read(String json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return finished(parser);
        }
    }

    private static JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return finished(parser);
        }
    }

    private static JsonNode finished(JsonParser parser) throws IOException {
        JsonNode tree = JsonTrees.readExact(parser);
        if (parser.nextToken() != null) {
            throw new IOException("content after the top-level value");
        }
        return tree;
    }

    private static VersionInfo info(JsonNode holder, String where) throws IOException {
        String at = where + ".info";
        JsonNode info = present(holder, "info");
        if (info == null) {
            throw new IOException(where + ": field \"info\" is missing");
        }
        object(info, at);
        known(info, at, Set.of("number", "createdAt", "message", "sha256", "routesTaken"));
        JsonNode routes = present(info, "routesTaken");
        return new VersionInfo(wholeNumber(info, "number", at), instant(present(info, "createdAt"), at + ": field \"createdAt\""),
                text(info, "message", at), text(info, "sha256", at),
                routes == null ? null : routes(object(routes, at + ": field \"routesTaken\""), at + ".routesTaken"));
    }

    private static Map<String, Instant> routes(JsonNode routes, String where) throws IOException {
        Map<String, Instant> taken = new TreeMap<>();
        for (Map.Entry<String, JsonNode> route : routes.properties()) {
            String what = where + ": route \"" + route.getKey() + "\"";
            Instant when = instant(route.getValue(), what);
            if (when == null) {
                throw new IOException(what + " has no instant");
            }
            taken.put(route.getKey(), when);
        }
        return taken;
    }

    private static List<TrafficSplit.Share> shares(JsonNode shares, String where) throws IOException {
        if (!shares.isArray()) {
            throw new IOException(where + " is not a list of shares but " + kind(shares));
        }
        List<TrafficSplit.Share> list = new ArrayList<>();
        for (int i = 0; i < shares.size(); i++) {
            String at = where + "[" + i + "]";
            JsonNode share = object(shares.get(i), at);
            known(share, at, Set.of("version", "percent"));
            list.add(new TrafficSplit.Share(wholeNumber(share, "version", at), wholeNumber(share, "percent", at)));
        }
        return list;
    }

    // Decimal seconds (the date module's form, read as it reads them), whole seconds, or ISO text; null when absent.
    private static Instant instant(JsonNode value, String what) throws IOException {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            if (value.isTextual()) {
                return Instant.parse(value.textValue());
            }
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return Instant.ofEpochSecond(value.longValue());
            }
            if (value.isBigDecimal()) {
                return DecimalUtils.extractSecondsAndNanos(value.decimalValue(), Instant::ofEpochSecond, false);
            }
        } catch (DateTimeException | ArithmeticException e) {
            // falls through to the message below
        }
        throw new IOException(what + " is not an instant (decimal seconds or text like 2026-01-02T03:04:05Z): "
                + JsonTrees.write(value));
    }

    private static JsonNode array(JsonNode object, String name, String what) throws IOException {
        JsonNode value = present(object, name);
        if (value == null || !value.isArray()) {
            throw new IOException(what + ": field \"" + name + "\" is not a list but " + kind(value));
        }
        return value;
    }

    private static byte[] bytes(JsonNode object, String name, String what) throws IOException {
        String text = text(object, name, what);
        if (text == null) {
            return null;
        }
        try {
            return Base64Variants.getDefaultVariant().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(what + ": field \"" + name + "\" is not base64");
        }
    }
}
