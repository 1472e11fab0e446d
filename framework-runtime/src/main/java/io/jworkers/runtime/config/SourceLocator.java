package io.jworkers.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * Finds the {@code line:col} of a value in JSON text by its path.
 *
 * <p>Rule checks (a bad route, an invalid name) run after binding, when Jackson's locations are
 * gone. Re-scanning the text is only done on the error path, which keeps the happy path to one
 * parse while still pointing people at the exact spot in their file.
 */
final class SourceLocator {

    private SourceLocator() {
    }

    /** The location of the value at {@code path}, or empty if the text has none there. */
    static Optional<JsonLocation> locateValue(String json, FieldPath path) {
        return locate(json, path, false);
    }

    /** The location of the key of the field at {@code path}: where an unknown field was written. */
    static Optional<JsonLocation> locateKey(String json, FieldPath path) {
        return locate(json, path, true);
    }

    private static Optional<JsonLocation> locate(String json, FieldPath path, boolean key) {
        String target = path.toPointer().toString();
        try (JsonParser parser = Mappers.JSON.createParser(json)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if ((token == JsonToken.FIELD_NAME) != key || token.isStructEnd()) {
                    continue;
                }
                JsonPointer here = parser.getParsingContext().pathAsPointer();
                if (here.toString().equals(target)) {
                    return Optional.of(parser.currentTokenLocation());
                }
            }
        } catch (IOException e) {
            // The text already parsed once; if it somehow does not now, a location is a nicety.
        }
        return Optional.empty();
    }
}
