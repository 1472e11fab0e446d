package io.jworkers.runtime.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads dotenv files ({@code .dev.vars}), the format Wrangler uses for local secrets.
 *
 * <p>Error messages give the file and line number but never the line's text: the line is most
 * likely a secret, and error messages end up in terminals, CI logs and bug reports.
 */
public final class DotEnvParser {

    private static final String LINE_FORMAT = "expected NAME=value (e.g. API_KEY=abc123), a # comment, or a blank line";

    private DotEnvParser() {
    }

    /**
     * Reads a dotenv file.
     *
     * @param file the file
     * @return the file's values in file order; a name given twice takes its last value, as in dotenv
     * @throws ConfigException naming the file and line (never the line's text) of a malformed line
     */
    public static Map<String, String> parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getClass().getSimpleName()
                    + "); check that it is UTF-8 text and readable", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            parseLine(file, i + 1, lines.get(i), values);
        }
        return values;
    }

    private static void parseLine(Path file, int lineNumber, String raw, Map<String, String> values) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return;
        }
        // Lets the same file be `source`d by a shell, a common dotenv habit.
        if (line.startsWith("export ") || line.startsWith("export\t")) {
            line = line.substring("export".length()).strip();
        }
        int equals = line.indexOf('=');
        if (equals < 0) {
            throw error(file, lineNumber, "no '=' found; " + LINE_FORMAT);
        }
        String name = line.substring(0, equals).strip();
        if (!NameRules.SECRET_NAME.matcher(name).matches()) {
            throw error(file, lineNumber, "the name before '=' is not valid; " + NameRules.SECRET_NAME_RULE);
        }
        values.put(name, value(file, lineNumber, line.substring(equals + 1)));
    }

    private static String value(Path file, int lineNumber, String raw) {
        String text = raw.strip();
        if (text.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    checkTail(file, lineNumber, text.substring(i + 1));
                    return out.toString();
                }
                if (c == '\\' && i + 1 < text.length()) {
                    char next = text.charAt(++i);
                    switch (next) {
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case '"', '\\' -> out.append(next);
                        default -> out.append('\\').append(next);
                    }
                } else {
                    out.append(c);
                }
            }
            throw error(file, lineNumber, "the value's opening \" has no closing \" on the same line"
                    + " (write line breaks as \\n inside double quotes)");
        }
        if (text.startsWith("'")) {
            int close = text.indexOf('\'', 1);
            if (close < 0) {
                throw error(file, lineNumber, "the value's opening ' has no closing ' on the same line");
            }
            checkTail(file, lineNumber, text.substring(close + 1));
            return text.substring(1, close);
        }
        // Unquoted: a # starts a comment only after whitespace, so values like abc#123 survive.
        for (int i = 1; i < raw.length(); i++) {
            if (raw.charAt(i) == '#' && Character.isWhitespace(raw.charAt(i - 1))) {
                return raw.substring(0, i).strip();
            }
        }
        return text;
    }

    private static void checkTail(Path file, int lineNumber, String tail) {
        String rest = tail.strip();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
            throw error(file, lineNumber, "unexpected text after the closing quote; a comment must start with #");
        }
    }

    private static ConfigException error(Path file, int lineNumber, String detail) {
        return new ConfigException(file + ":" + lineNumber + ": " + detail);
    }
}
