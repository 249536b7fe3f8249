package io.github.keycloakobo.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.keycloakobo.policy.OboClientPolicy.AUDIENCES;
import static io.github.keycloakobo.policy.OboClientPolicy.ENABLED;
import static io.github.keycloakobo.policy.OboClientPolicy.MAX_HOPS;
import static io.github.keycloakobo.policy.OboClientPolicy.REFRESH_TOKEN;
import static io.github.keycloakobo.policy.OboClientPolicy.SCOPES;
import static io.github.keycloakobo.policy.OboClientPolicy.TOKEN_LIFETIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing of the {@code obo.*} client attributes (design.md section 3). */
class OboClientPolicyTest {

    static final String CLIENT = "api-a";

    /** Parses attributes given as name/value pairs. */
    static OboClientPolicy parse(String... nameValuePairs) {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            attributes.put(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return OboClientPolicy.fromAttributes(CLIENT, attributes::get);
    }

    @Test
    void defaults() {
        OboClientPolicy policy = parse();
        assertFalse(policy.enabled());
        assertEquals(Set.of(), policy.audiences());
        assertEquals(Optional.empty(), policy.scopeCeiling());
        assertEquals(1, policy.maxHops());
        assertEquals(OptionalInt.empty(), policy.tokenLifetime());
        assertFalse(policy.refreshTokenAllowed());
    }

    @Test
    void blankValuesMeanTheDefaults() {
        OboClientPolicy policy = parse(AUDIENCES, " ", SCOPES, " \t", MAX_HOPS, "", TOKEN_LIFETIME, "  ",
                REFRESH_TOKEN, " ");
        assertEquals(parse(), policy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", " true\n"})
    void enabled(String value) {
        assertTrue(parse(ENABLED, value).enabled());
        assertTrue(OboClientPolicy.isEnabled(Map.of(ENABLED, value)::get));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"false", "yes", "1", "on", "truee"})
    void anythingButTrueLeavesItDisabled(String value) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(ENABLED, value);
        assertFalse(OboClientPolicy.fromAttributes(CLIENT, attributes::get).enabled());
        assertFalse(OboClientPolicy.isEnabled(attributes::get));
    }

    @Test
    void isEnabledReadsNoOtherAttribute() {
        assertTrue(OboClientPolicy.isEnabled(name -> {
            assertEquals(ENABLED, name);
            return "true";
        }));
    }

    @Test
    void audiencesAreSplitOnAnyWhitespace() {
        assertEquals(Set.of("api-b", "api-c", "api-d"), parse(AUDIENCES, "  api-b   api-c\tapi-d\napi-b ").audiences());
    }

    @Test
    void scopesBecomeACeiling() {
        assertEquals(Optional.of(Set.of("profile", "orders.read")),
                parse(SCOPES, " profile\n orders.read ").scopeCeiling());
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "2, 2", "' 3 ', 3", "10, 10"})
    void maxHops(String value, int expected) {
        assertEquals(expected, parse(MAX_HOPS, value).maxHops());
    }

    @ParameterizedTest
    @CsvSource({"300, 300", "' 60\t', 60", "1, 1"})
    void tokenLifetime(String value, int expected) {
        assertEquals(OptionalInt.of(expected), parse(TOKEN_LIFETIME, value).tokenLifetime());
    }

    @ParameterizedTest
    @CsvSource({"true, true", "TRUE, true", "' true ', true", "false, false", "False, false"})
    void refreshToken(String value, boolean expected) {
        assertEquals(expected, parse(REFRESH_TOKEN, value).refreshTokenAllowed());
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @CsvSource({
            MAX_HOPS + ", 0",
            MAX_HOPS + ", -1",
            MAX_HOPS + ", two",
            MAX_HOPS + ", 1.5",
            MAX_HOPS + ", 99999999999",
            TOKEN_LIFETIME + ", 0",
            TOKEN_LIFETIME + ", -300",
            TOKEN_LIFETIME + ", 5m",
            TOKEN_LIFETIME + ", 300s",
            REFRESH_TOKEN + ", yes",
            REFRESH_TOKEN + ", 1",
            REFRESH_TOKEN + ", truee"})
    void malformedValueFailsClosedNamingTheAttribute(String attribute, String value) {
        OboDeniedException e = assertThrows(OboDeniedException.class,
                () -> parse(ENABLED, "true", AUDIENCES, "api-b", attribute, value));
        assertEquals(OAuthError.UNAUTHORIZED_CLIENT, e.denial().error());
        assertEquals("obo_policy_misconfigured", e.denial().reason());
        assertTrue(e.denial().description().contains(attribute), e.denial().description());
        assertTrue(e.denial().description().contains("'" + CLIENT + "'"), e.denial().description());
    }

    @Test
    void fullPolicy() {
        OboClientPolicy policy = parse(ENABLED, "true", AUDIENCES, "api-b api-c", SCOPES, "profile",
                MAX_HOPS, "2", TOKEN_LIFETIME, "120", REFRESH_TOKEN, "true");
        assertEquals(new OboClientPolicy(true, Set.of("api-b", "api-c"), Optional.of(Set.of("profile")), 2,
                OptionalInt.of(120), true), policy);
    }

    @Test
    void maxHopsBelowOneIsRejectedByTheRecordItself() {
        assertThrows(IllegalArgumentException.class,
                () -> new OboClientPolicy(true, Set.of(), Optional.empty(), 0, OptionalInt.empty(), false));
    }
}
