package io.jworkers.runtime.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" suggestions: most unknown names in a config are one or two keystrokes away from
 * a valid one, and naming it saves the person a trip to the docs.
 */
public final class Spelling {

    private Spelling() {
    }

    /** The candidate closest to {@code typo}, if one is close enough to be a plausible intent. */
    static Optional<String> closest(String typo, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lowerTypo = typo.toLowerCase(Locale.ROOT);
        for (String candidate : candidates) {
            int distance = distance(lowerTypo, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.min(2, Math.max(1, typo.length() / 3));
        return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
    }

    /**
     * Formats a suggestion as a parenthesised hint, or nothing, ready to append to a message.
     *
     * @param typo the unknown name
     * @param candidates the known names
     * @return e.g. {@code  (did you mean "routes"?)}, or an empty string
     */
    public static String hint(String typo, Collection<String> candidates) {
        return closest(typo, candidates).map(s -> " (did you mean \"" + s + "\"?)").orElse("");
    }

    /** Levenshtein distance; the inputs are short names, so the quadratic table is fine. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
