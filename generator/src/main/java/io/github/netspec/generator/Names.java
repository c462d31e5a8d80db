package io.github.netspec.generator;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.SourceVersion;

/** Name checks and "did you mean" suggestions shared by the phases. */
final class Names {

    private Names() {}

    /** A valid Java class name: an identifier that is not a keyword or literal of any Java version. */
    static boolean isJavaClassName(String name) {
        return SourceVersion.isIdentifier(name) && !SourceVersion.isKeyword(name) && !RESTRICTED.contains(name);
    }

    /** Contextual words that javac rejects as type names. */
    private static final Set<String> RESTRICTED = Set.of("var", "yield", "record", "sealed", "permits", "_");

    /**
     * The closest candidate within a small edit distance, for "did you mean 'stride'?". Case is ignored,
     * since {@code ReLU} for {@code relu} is a habit from other frameworks rather than a typo.
     */
    static Optional<String> closest(String word, Collection<String> candidates) {
        int limit = Math.max(1, word.length() / 3);
        String lower = word.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .filter(c -> editDistance(lower, c.toLowerCase(Locale.ROOT)) <= limit)
                .min(Comparator.comparingInt((String c) -> editDistance(lower, c.toLowerCase(Locale.ROOT)))
                        .thenComparingInt(c -> Math.abs(c.length() - word.length())) // a typo rarely changes length
                        .thenComparing(c -> c));
    }

    /** " (did you mean 'x'?)" or "", ready to append to a message. */
    static String didYouMean(String word, Collection<String> candidates) {
        return closest(word, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
    }

    static int editDistance(String a, String b) {
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
