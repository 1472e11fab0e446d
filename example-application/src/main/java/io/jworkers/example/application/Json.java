package io.jworkers.example.application;

/**
 * Just enough JSON writing for the example, so that the worker needs nothing but the API.
 * A real worker would bundle a JSON library in its own classpath.
 */
final class Json {

    private Json() {
    }

    /** An object from alternating keys and values; values are strings, numbers or booleans. */
    static String object(Object... keysAndValues) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) {
                json.append(',');
            }
            string(json, (String) keysAndValues[i]).append(':');
            Object value = keysAndValues[i + 1];
            if (value instanceof Number || value instanceof Boolean) {
                json.append(value);
            } else {
                string(json, String.valueOf(value));
            }
        }
        return json.append('}').toString();
    }

    private static StringBuilder string(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
