package io.jworkers.runtime.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Reads JSON into Jackson's trees with the streaming parser alone: the same {@link JsonNode}s as
 * {@code ObjectMapper.readTree}, without an {@code ObjectMapper}. Making the first mapper in a JVM
 * initialises databind's configuration, type factory, introspection and date formats (~360
 * classes), which the host's start (its config files and worker manifests are trees) never needs
 * otherwise (docs/PERFORMANCE.md, §9 "A sixth run").
 */
public final class JsonTrees {

    /** Plain JSON: no comments, no trailing commas, a repeated key keeps its last value. */
    public static final JsonFactory PLAIN = new JsonFactory();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /**
     * Reads one value from plain JSON; what follows it is not read.
     *
     * @param in the JSON, closed by this method
     * @return the value's tree, or a missing node when {@code in} has no content
     * @throws IOException if it cannot be read or is not JSON (a {@code JsonParseException})
     */
    public static JsonNode read(InputStream in) throws IOException {
        try (JsonParser parser = PLAIN.createParser(in)) {
            return parser.nextToken() == null ? MissingNode.getInstance() : read(parser);
        }
    }

    /**
     * Reads the value at the parser's current token (the next one when it has none), leaving the
     * parser on the value's last token.
     *
     * @param parser the parser, with the features of the format read
     * @return the value's tree, or a missing node at the end of the input
     * @throws IOException if the text is not JSON, or breaks a feature of the parser (a
     *     {@code JsonParseException} naming where)
     */
    public static JsonNode read(JsonParser parser) throws IOException {
        JsonToken token = parser.hasCurrentToken() ? parser.currentToken() : parser.nextToken();
        return token == null ? MissingNode.getInstance() : value(parser, token, false);
    }

    /**
     * Reads as {@link #read(JsonParser)} does, but keeps every number with a fraction or an
     * exponent exactly, as a {@code BigDecimal} node (databind's {@code USE_BIG_DECIMAL_FOR_FLOATS}):
     * an instant written as decimal seconds keeps its nanoseconds, which a {@code double} would not.
     *
     * @param parser the parser, with the features of the format read
     * @return the value's tree, or a missing node at the end of the input
     * @throws IOException if the text is not JSON (a {@code JsonParseException} naming where)
     */
    public static JsonNode readExact(JsonParser parser) throws IOException {
        JsonToken token = parser.hasCurrentToken() ? parser.currentToken() : parser.nextToken();
        return token == null ? MissingNode.getInstance() : value(parser, token, true);
    }

    /**
     * Writes a tree as compact JSON, as {@code JsonNode.toString()} does (which makes a mapper).
     *
     * @param node a tree of the kinds {@link #read(JsonParser)} makes
     * @return the JSON text
     * @throws IllegalArgumentException if the tree holds a node that is not a JSON value (a POJO,
     *     binary data or a missing node)
     */
    public static String write(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = PLAIN.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to a string failed", e);
        }
        return out.toString();
    }

    // The nodes' own serialize(..) needs a mapper's provider for some kinds, so the walk is here.
    private static void write(JsonGenerator out, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    out.writeFieldName(field.getKey());
                    write(out, field.getValue());
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode element : node) {
                    write(out, element);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> out.writeNumber(node.intValue());
                    case LONG -> out.writeNumber(node.longValue());
                    case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
                    case BIG_DECIMAL -> out.writeNumber(node.decimalValue());
                    default -> out.writeNumber(node.doubleValue());
                }
            }
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL -> out.writeNull();
            default -> throw new IllegalArgumentException("Not a JSON value: " + node.getNodeType());
        }
    }

    private static JsonNode value(JsonParser parser, JsonToken token, boolean exact) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                // Field names come one by one; a truncated text makes the parser throw, not return null.
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    object.set(name, value(parser, parser.nextToken(), exact));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                JsonToken element;
                while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
                    array.add(value(parser, element, exact));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> exact || parser.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                    ? NODES.numberNode(parser.getDecimalValue())
                    : NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonParseException(parser, "Unexpected JSON token " + token);
        };
    }
}
