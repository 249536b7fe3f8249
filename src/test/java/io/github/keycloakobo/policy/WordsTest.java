package io.github.keycloakobo.policy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WordsTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n "})
    void nothingToSplit(String value) {
        assertEquals(Set.of(), Words.split(value));
    }

    @Test
    void splitsOnRunsOfWhitespaceKeepingOrderAndDroppingRepeats() {
        assertEquals(List.of("b", "a", "c"), List.copyOf(Words.split("  b \t a\n\nc b ")));
    }

    @Test
    void joinsWithSingleSpaces() {
        assertEquals("a b c", Words.join(List.of("a", "b", "c")));
        assertEquals("", Words.join(List.of()));
    }
}
