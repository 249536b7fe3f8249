package io.github.keycloakobo.policy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SpaceSeparatedTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n "})
    void nothingToSplit(String value) {
        assertEquals(Set.of(), SpaceSeparated.split(value));
    }

    @Test
    void splitsOnRunsOfWhitespaceKeepingOrderAndDroppingRepeats() {
        assertEquals(List.of("b", "a", "c"), List.copyOf(SpaceSeparated.split("  b \t a\n\nc b ")));
    }

    @Test
    void joinsWithSingleSpaces() {
        assertEquals("a b c", SpaceSeparated.join(List.of("a", "b", "c")));
        assertEquals("", SpaceSeparated.join(List.of()));
    }
}
