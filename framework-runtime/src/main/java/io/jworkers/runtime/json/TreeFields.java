package io.jworkers.runtime.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Strict reads of a record's fields from a {@link JsonTrees} tree, for files and columns that
 * jworkers writes itself (the state folder's records, the store's JSON): a field of the wrong kind
 * or one the record does not have is an {@link IOException} saying what and where, as a mapper
 * failing on unknown properties would. {@code what} names the place in messages, e.g.
 * {@code the index} or {@code entries[0].info}. These messages never quote a value: some of these
 * files hold secrets.
 */
public final class TreeFields {

    private TreeFields() {
    }

    /**
     * The node, if it is an object.
     *
     * @param node the node
     * @param what where it is
     * @return {@code node}
     * @throws IOException {@code <what> is not a JSON object but <kind>}
     */
    public static JsonNode object(JsonNode node, String what) throws IOException {
        if (!node.isObject()) {
            throw new IOException(what + " is not a JSON object but " + kind(node));
        }
        return node;
    }

    /**
     * Checks that an object has no field but the known ones.
     *
     * @param object the object
     * @param what where it is
     * @param known the fields it may have
     * @throws IOException {@code <what> has an unknown field "<name>"}, for the first in its order
     */
    public static void known(JsonNode object, String what, Set<String> known) throws IOException {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!known.contains(field.getKey())) {
                throw new IOException(what + " has an unknown field \"" + field.getKey() + "\"");
            }
        }
    }

    /**
     * A field's value.
     *
     * @param object the object
     * @param name the field
     * @return its value, or {@code null} when it is absent or JSON {@code null}
     */
    public static JsonNode present(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /**
     * A field that must be a whole number in {@code int}'s range.
     *
     * @throws IOException {@code <what>: field "<name>" is not a whole number but <kind>} (also when absent)
     */
    public static int wholeNumber(JsonNode object, String name, String what) throws IOException {
        JsonNode value = object.get(name);
        if (value == null || !value.isInt()) {
            throw new IOException(what + ": field \"" + name + "\" is not a whole number but " + kind(value));
        }
        return value.intValue();
    }

    /**
     * A field that must be a whole number in {@code long}'s range.
     *
     * @throws IOException {@code <what>: field "<name>" is not a whole number but <kind>} (also when absent)
     */
    public static long longNumber(JsonNode object, String name, String what) throws IOException {
        JsonNode value = object.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IOException(what + ": field \"" + name + "\" is not a whole number but " + kind(value));
        }
        return value.longValue();
    }

    /**
     * A field that may be absent or null, or else must be a string.
     *
     * @return the string, or {@code null}
     * @throws IOException {@code <what>: field "<name>" is not a string but <kind>}
     */
    public static String text(JsonNode object, String name, String what) throws IOException {
        JsonNode value = present(object, name);
        if (value != null && !value.isTextual()) {
            throw new IOException(what + ": field \"" + name + "\" is not a string but " + kind(value));
        }
        return value == null ? null : value.textValue();
    }

    /**
     * What a node is, for messages.
     *
     * @param node a node, or {@code null} for an absent field
     * @return {@code missing}, {@code empty} (no content at all), or the node's type, e.g. {@code ARRAY}
     */
    public static String kind(JsonNode node) {
        return node == null ? "missing" : node.isMissingNode() ? "empty" : node.getNodeType().toString();
    }
}
