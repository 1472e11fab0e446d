package io.jworkers.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.jworkers.runtime.json.JsonTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One config file's text and format, and the single place that turns a problem into a message
 * starting with {@code <file>} or {@code <file>:<line>:<col>}, so every error looks the same.
 */
final class ConfigSource {

    /** Chosen by extension: the content alone cannot tell a TOML file from broken JSON. */
    enum Format { JSONC, TOML }

    private final Path file;
    private final String text;
    private final Format format;

    private ConfigSource(Path file, String text, Format format) {
        this.file = file;
        this.text = text;
        this.format = format;
    }

    /**
     * Reads a config file, failing with a clear message for the mistakes that happen before any
     * parsing: a wrong path, a folder, an unsupported extension, bytes that are not text.
     *
     * @param file the file as given; made absolute so messages are unambiguous from any folder
     * @param kind what the file should be, e.g. "worker config file (worker.jsonc or worker.toml)"
     */
    static ConfigSource open(Path file, String kind) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new ConfigException(absolute + ": is a folder; expected a " + kind);
        }
        if (!Files.exists(absolute)) {
            throw new ConfigException(absolute + ": no such file; expected a " + kind);
        }
        Format format = formatOf(absolute);
        return new ConfigSource(absolute, read(absolute), format);
    }

    private static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonc") || name.endsWith(".json")) {
            return Format.JSONC;
        }
        if (name.endsWith(".toml")) {
            return Format.TOML;
        }
        throw new ConfigException(file + ": unsupported config file type; use a .jsonc file"
                + " (JSON with comments, like worker.jsonc) or a .toml file (like worker.toml)");
    }

    private static String read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e + "); check its permissions", e);
        }
        String text;
        try {
            // Strict decoding: a silently replaced byte could turn into a wrong value later.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": is not UTF-8 text; save it as UTF-8", e);
        }
        // Editors on Windows like to add a byte-order mark, which neither parser accepts.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    Path file() {
        return file;
    }

    Format format() {
        return format;
    }

    /**
     * Parses the whole file and binds it into {@code type} ({@link TreeBinder}).
     *
     * @param emptyHint what a minimal valid file contains, appended to the "empty file" message
     */
    <T extends Record> T bind(Class<T> type, String emptyHint) {
        JsonNode tree;
        try {
            tree = format == Format.JSONC ? readJson(emptyHint) : readToml(emptyHint);
        } catch (JsonProcessingException e) {
            throw BindingErrors.translate(this, e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e + ")", e);
        }
        return TreeBinder.bind(this, tree, type);
    }

    private JsonNode readJson(String emptyHint) throws IOException {
        try (JsonParser parser = Mappers.JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw empty(emptyHint);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new ConfigException(where(parser.currentTokenLocation())
                        + ": the top level must be an object, { ... }; " + emptyHint);
            }
            JsonNode tree;
            try {
                tree = JsonTrees.read(parser);
            } catch (JsonProcessingException e) {
                throw BindingErrors.translate(this, e, FieldPath.containerOf(parser.getParsingContext()));
            }
            if (parser.nextToken() != null) {
                throw new ConfigException(where(parser.currentTokenLocation())
                        + ": unexpected content after the closing } of the top-level object");
            }
            return tree;
        }
    }

    private JsonNode readToml(String emptyHint) throws IOException {
        JsonNode tree = Mappers.toml().readTree(text);
        if (tree == null || tree.isEmpty()) {
            throw empty(emptyHint);
        }
        return tree;
    }

    private ConfigException empty(String emptyHint) {
        return new ConfigException(file + ": the file is empty (nothing but whitespace or comments); " + emptyHint);
    }

    /** A problem with the file as a whole. */
    ConfigException problem(String detail) {
        return new ConfigException(file + ": " + detail);
    }

    /** A problem with the value at {@code path}. */
    ConfigException problem(FieldPath path, String detail) {
        return new ConfigException(where(path) + ": field \"" + path + "\": " + detail);
    }

    /** A required field is absent; points at the object that lacks it, since the field has no position. */
    ConfigException missing(FieldPath path, String why) {
        String where = path.parent().isRoot() ? file.toString() : where(path.parent());
        return new ConfigException(where + ": field \"" + path + "\" is missing: " + why);
    }

    /** {@code file:line:col} for a value, or just the file when its position is unknown (TOML). */
    String where(FieldPath path) {
        return where(path, false, null);
    }

    /**
     * {@code file:line:col} of the value (or, with {@code key}, of the field name) at {@code path},
     * else of {@code fallback}. Jackson's own error locations point past the value for numbers
     * and unknown fields, so the source is searched first.
     */
    String where(FieldPath path, boolean key, JsonLocation fallback) {
        if (format == Format.JSONC && !path.isRoot()) {
            var found = key ? SourceLocator.locateKey(text, path) : SourceLocator.locateValue(text, path);
            if (found.isPresent()) {
                return where(found.get());
            }
        }
        return where(fallback);
    }

    /** {@code file:line:col}, or just the file when Jackson has no position (e.g. bound from a TOML tree). */
    String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return file.toString();
        }
        return file + ":" + location.getLineNr() + ":" + location.getColumnNr();
    }
}
