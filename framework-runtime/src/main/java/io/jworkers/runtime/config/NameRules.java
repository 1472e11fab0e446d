package io.jworkers.runtime.config;

import java.util.regex.Pattern;

/**
 * The shapes names must have. Each rule comes with the sentence that explains it, so every
 * message about a bad name tells the person what a good one looks like.
 */
public final class NameRules {

    /** Like Wrangler's worker names: safe in URLs, file names and log lines alike. */
    public static final Pattern WORKER_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    public static final String WORKER_NAME_RULE = "use lowercase letters, digits, '-' and '_', starting with a letter"
            + " or digit, at most 63 characters, e.g. \"auth-service\"";

    /** Bindings become names in the caller's code ({@code env.service("AUTH")}, generated accessors). */
    static final Pattern BINDING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final String BINDING_NAME_RULE = "use letters, digits and '_', not starting with a digit, e.g. \"AUTH\"";

    /** Environments name host labels ({@code staging.example.com}) and folders, so they follow both. */
    public static final Pattern ENVIRONMENT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final String ENVIRONMENT_NAME_RULE = "use lowercase letters, digits and '-', starting with a letter"
            + " or digit, at most 63 characters (it is a host-name label), e.g. \"staging\"";

    /** Secret names are keys in {@code .dev.vars}, so they follow dotenv's key syntax. */
    public static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,255}");
    public static final String SECRET_NAME_RULE = "use letters, digits, '_', '.' and '-', not starting with a digit,"
            + " at most 256 characters, e.g. \"API_KEY\"";

    static final String MAIN_RULE = "expected a Java class's binary name, e.g. \"com.example.MyWorker\""
            + " or \"com.example.Outer$Inner\"";

    private NameRules() {
    }

    /** A class's binary name: dot-separated Java identifiers ({@code $} is an identifier character). */
    static boolean isClassName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".")) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))) {
                return false;
            }
            if (!part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why a route is invalid, or {@code null} if it is fine. Routes are path patterns, matched
     * exactly or by prefix with a trailing {@code *}; a {@code *} elsewhere would suggest a glob
     * syntax the router does not have.
     */
    static String routeProblem(String route) {
        if (!route.startsWith("/")) {
            return "must start with \"/\"; did you mean \"/" + route + "\"?";
        }
        int star = route.indexOf('*');
        if (star >= 0 && star != route.length() - 1) {
            return "may contain \"*\" only as its last character (a prefix match such as \"/api/*\")";
        }
        if (route.chars().anyMatch(Character::isWhitespace)) {
            return "must not contain spaces";
        }
        return null;
    }
}
