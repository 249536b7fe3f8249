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
        return policy(attributes);
    }

    /** The policy the attributes describe, or the refusal of the source rules as an exception. */
    static OboClientPolicy policy(Map<String, String> attributes) {
        OboClientAttributes read = OboClientAttributes.read(attributes::get);
        OboPolicyEngine.checkSource(CLIENT, false, read).filter(d -> !d.reason().equals("obo_disabled"))
                .ifPresent(denial -> {
                    throw new OboDeniedException(denial);
                });
        return read.policy();
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
    void emptyValuesAndBlankListsMeanTheDefaults() {
        OboClientPolicy policy = parse(ENABLED, "", AUDIENCES, " ", SCOPES, " \t", MAX_HOPS, "", TOKEN_LIFETIME, "",
                REFRESH_TOKEN, "");
        assertEquals(parse(), policy);
    }

    @Test
    void enabledIsExactlyTrue() {
        assertTrue(parse(ENABLED, "true").enabled());
        assertTrue(OboClientAttributes.claimsExchange(Map.of(ENABLED, "true")::get));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"false"})
    void notSetOrFalseLeavesTheClientToKeycloak(String value) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(ENABLED, value);
        assertFalse(policy(attributes).enabled());
        assertFalse(OboClientAttributes.claimsExchange(attributes::get));
    }

    /**
     * A value that is neither {@code true} nor {@code false} is malformed: the extension still takes the client's
     * exchanges (so they are refused, never handed to Keycloak's own exchange) and refuses them as misconfigured.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TRUE", "True", " true", "true\n", "yes", "1", "on", "truee", "False", " "})
    void anyOtherValueIsMalformedAndStillClaimsTheExchange(String value) {
        Map<String, String> attributes = Map.of(ENABLED, value, AUDIENCES, "api-b");
        assertTrue(OboClientAttributes.claimsExchange(attributes::get));
        OboDeniedException e = assertThrows(OboDeniedException.class,
                () -> policy(attributes));
        assertEquals("obo_policy_misconfigured", e.denial().reason());
        assertTrue(e.denial().description().contains(ENABLED + " is '"), e.denial().description());
    }

    @Test
    void claimsExchangeReadsNoOtherAttribute() {
        assertTrue(OboClientAttributes.claimsExchange(name -> {
            assertEquals(ENABLED, name);
            return "true";
        }));
    }

    @Test
    void everyMalformedAttributeIsNamedAtOnce() {
        OboClientAttributes read = OboClientAttributes.read(Map.of(ENABLED, "yes", MAX_HOPS, "0",
                TOKEN_LIFETIME, "5m", REFRESH_TOKEN, "1")::get);
        assertFalse(read.wellFormed());
        assertEquals(java.util.List.of(ENABLED, MAX_HOPS, TOKEN_LIFETIME, REFRESH_TOKEN),
                java.util.List.copyOf(read.problems().keySet()));
        assertEquals("obo.enabled is 'yes', not true or false; obo.max-hops is '0', not a whole number of at least 1; "
                + "obo.token-lifetime is '5m', not a whole number of at least 1; obo.refresh-token is '1', not true "
                + "or false", read.describeProblems());
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
    @CsvSource({"1, 1", "2, 2", "10, 10", "2147483647, 2147483647"})
    void maxHops(String value, int expected) {
        assertEquals(expected, parse(MAX_HOPS, value).maxHops());
    }

    @ParameterizedTest
    @CsvSource({"300, 300", "60, 60", "1, 1"})
    void tokenLifetime(String value, int expected) {
        assertEquals(OptionalInt.of(expected), parse(TOKEN_LIFETIME, value).tokenLifetime());
    }

    @ParameterizedTest
    @CsvSource({"true, true", "false, false"})
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
            MAX_HOPS + ", 2147483648",
            MAX_HOPS + ", ' 3 '",
            MAX_HOPS + ", 03",
            MAX_HOPS + ", +3",
            MAX_HOPS + ", ' '",
            TOKEN_LIFETIME + ", ' 60'",
            TOKEN_LIFETIME + ", 0",
            TOKEN_LIFETIME + ", -300",
            TOKEN_LIFETIME + ", 5m",
            TOKEN_LIFETIME + ", 300s",
            REFRESH_TOKEN + ", yes",
            REFRESH_TOKEN + ", 1",
            REFRESH_TOKEN + ", truee",
            REFRESH_TOKEN + ", TRUE",
            REFRESH_TOKEN + ", ' true '",
            REFRESH_TOKEN + ", False"})
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
