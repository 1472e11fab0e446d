package io.jworkers.runtime.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

/**
 * What config files are parsed with, into trees: Jackson's streaming parser for {@code .jsonc}
 * (read into a tree by {@code JsonTrees}, without a mapper) and its TOML mapper. How strict the
 * binding of a tree is (no coercion between strings, numbers and booleans; whole numbers only;
 * unknown fields refused) is {@link TreeBinder}'s; what the parser itself accepts is set here.
 */
final class Mappers {

    /** {@code .jsonc}: JSON plus the comments and trailing commas Wrangler's files use. */
    static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            // A repeated key silently overriding the first is a classic copy-paste bug.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** {@code .toml}: the same schema; TOML itself already rejects duplicate keys. */
    static TomlMapper toml() {
        return Toml.MAPPER;
    }

    // Built on first use only: most hosts read no TOML, and building a mapper costs start-up time.
    private static final class Toml {
        static final TomlMapper MAPPER = new TomlMapper();
    }

    private Mappers() {
    }
}
