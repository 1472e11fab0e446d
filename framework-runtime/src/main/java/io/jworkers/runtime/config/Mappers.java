package io.jworkers.runtime.config;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

/**
 * The two Jackson mappers config files are read with, made strict.
 *
 * <p>Jackson's defaults are forgiving in ways that hide mistakes in a hand-written config:
 * {@code "name": 7} would become the string "7", {@code "subrequests": "10"} the number 10, and
 * {@code 1.5} would be truncated to 1. Each of those is almost always a typo, so here they fail
 * and the person gets a {@code line:col} instead of a surprise at run time.
 */
final class Mappers {

    /** {@code .jsonc}: JSON plus the comments and trailing commas Wrangler's files use. */
    static final JsonMapper JSON = strict(JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            // A repeated key silently overriding the first is a classic copy-paste bug.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION))
            .build();

    /** {@code .toml}: the same schema; TOML itself already rejects duplicate keys. */
    static TomlMapper toml() {
        return Toml.MAPPER;
    }

    // Built on first use only: most hosts read no TOML, and building a mapper costs start-up time.
    private static final class Toml {
        static final TomlMapper MAPPER = strict(TomlMapper.builder()).build();
    }

    private Mappers() {
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
        return builder
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }
}
