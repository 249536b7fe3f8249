package io.github.keycloakobo.policy;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Space-separated lists, as OAuth and the obo.* attributes write them. */
public final class SpaceSeparated {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private SpaceSeparated() {
    }

    /** The distinct words of {@code value} in their order; empty for null or blank. */
    public static Set<String> split(String value) {
        if (value == null || value.isBlank()) {
            return Collections.emptySet();
        }
        Set<String> words = new LinkedHashSet<>();
        for (String word : WHITESPACE.split(value.trim())) {
            words.add(word);
        }
        return Collections.unmodifiableSet(words);
    }

    public static String join(Iterable<String> words) {
        return String.join(" ", words);
    }
}
