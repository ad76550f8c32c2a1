package dev.openclaw.twin.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key a misspelt key was most likely meant to be ("did you mean"). */
final class KeySuggester {

    private KeySuggester() {}

    static Optional<String> closest(String wrong, Collection<String> known) {
        String needle = wrong.toLowerCase(Locale.ROOT);
        int allowed = Math.max(2, needle.length() / 3);
        return known.stream()
                .filter(k -> distance(needle, k.toLowerCase(Locale.ROOT)) <= allowed)
                .min(Comparator.comparingInt((String k) -> distance(needle, k.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** Levenshtein distance, treating '-' and '_' as the same letter (a common slip in YAML keys). */
    static int distance(String a, String b) {
        String x = a.replace('-', '_');
        String y = b.replace('-', '_');
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length()];
    }
}
