package io.github.keycloakobo.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SupportedVersionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"26.4.7", "26.4.0", "26.5.6", "26.7.0", "26.7.3", "26.7.4-SNAPSHOT", "26.5.0.redhat-00001"})
    void theTestedLinesAreSupported(String version) {
        assertNull(SupportedVersions.problem(version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"26.3.5", "26.6.1", "26.8.0", "25.0.6", "27.0.0", "999-SNAPSHOT", "UNKNOWN", ""})
    void everyOtherVersionIsNot(String version) {
        assertTrue(SupportedVersions.problem(version) != null, version);
    }

    @Test
    void theRunningKeycloakOfTheBuildIsSupportedWithEveryAdapter() {
        KeycloakApi api = KeycloakApi.resolve("26.7.3");
        assertTrue(api.supported());
        assertEquals("26.4.x, 26.5.x, 26.7.x", KeycloakApi.SUPPORTED_LINES);
        KeycloakApi old = KeycloakApi.resolve("26.3.5");
        assertFalse(old.supported());
        assertTrue(old.unsupportedDescription().contains("26.3.5"), old::unsupportedDescription);
        assertTrue(old.unsupportedDescription().contains(KeycloakApi.SUPPORTED_LINES));
    }
}
