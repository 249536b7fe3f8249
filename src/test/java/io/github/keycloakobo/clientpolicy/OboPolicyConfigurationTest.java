package io.github.keycloakobo.clientpolicy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.github.keycloakobo.policy.RealmCeiling;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OboPolicyConfiguration}: the executor's JSON configuration as the console and the REST API send it. */
class OboPolicyConfigurationTest {

    private static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void emptyConfigurationDeniesKeycloaksAdministrativeClientsOnly() {
        RealmCeiling c = OboPolicyConfiguration.parse(Map.of()).ceiling(Optional.empty());
        assertEquals(OptionalInt.empty(), c.maxHops());
        assertEquals(OptionalInt.empty(), c.maxTokenLifetime());
        assertEquals(Set.of("realm-management", "broker", "admin-cli", "security-admin-console", "account",
                "account-console"),
                c.deniedAudiences());
        assertEquals(Optional.empty(), c.allowedScopes());
        assertEquals(OboPolicyConfiguration.parse(null).ceiling(Optional.empty()), c);
    }

    @Test
    void consoleStringsAndLists() {
        RealmCeiling c = OboPolicyConfiguration.parse(config("max-hops", "2", "max-token-lifetime", " 120 ",
                "denied-audiences", List.of("billing-api", "a b", ""), "allowed-scopes", List.of("openid", "profile")))
                .ceiling(Optional.empty());
        assertEquals(OptionalInt.of(2), c.maxHops());
        assertEquals(OptionalInt.of(120), c.maxTokenLifetime());
        assertEquals(Set.of("billing-api", "a", "b"), c.deniedAudiences());
        assertEquals(Optional.of(Set.of("openid", "profile")), c.allowedScopes());
    }

    @Test
    void restNumbersAndSpaceSeparatedStrings() {
        RealmCeiling c = OboPolicyConfiguration.parse(config("max-hops", 3, "max-token-lifetime", 60L,
                "denied-audiences", "x y", "allowed-scopes", "openid")).ceiling(Optional.empty());
        assertEquals(OptionalInt.of(3), c.maxHops());
        assertEquals(OptionalInt.of(60), c.maxTokenLifetime());
        assertEquals(Set.of("x", "y"), c.deniedAudiences());
        assertEquals(Optional.of(Set.of("openid")), c.allowedScopes());
    }

    @Test
    void blankValuesMeanNoCeilingAndAnExplicitlyEmptyDenyListDeniesNothing() {
        RealmCeiling c = OboPolicyConfiguration.parse(config("max-hops", "", "max-token-lifetime", List.of(""),
                "denied-audiences", List.of(""), "allowed-scopes", List.of(""))).ceiling(Optional.empty());
        assertEquals(new RealmCeiling(Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), Set.of(), Optional.empty()), c);
    }

    @Test
    void badValuesAreRefusedWithTheirKey() {
        for (Object bad : new Object[] {"-5", "0", "abc", "1.5", 0, -1, 2.0, true, "99999999999", List.of()}) {
            OboPolicyConfiguration p = OboPolicyConfiguration.parse(config("max-token-lifetime", bad));
            assertFalse(p.valid(), () -> "accepted " + bad);
            assertTrue(p.describeProblems().contains("max-token-lifetime must be a whole number of seconds"),
                    p::describeProblems);
        }
        OboPolicyConfiguration hops = OboPolicyConfiguration.parse(config("max-hops", "two"));
        assertTrue(hops.describeProblems().contains("max-hops must be a whole number of at least 1")
                && hops.describeProblems().contains("got 'two'"),
                hops::describeProblems);
    }

    @Test
    void unknownKeysAndWrongTypesAreRefused() {
        OboPolicyConfiguration p = OboPolicyConfiguration.parse(config("max-hop", "1", "denied-audiences", 5,
                "allowed-scopes", List.of(1)));
        assertEquals(3, p.problems().size(), p::describeProblems);
        assertTrue(p.describeProblems().startsWith("Invalid configuration of the obo-policy executor: "));
        assertTrue(p.describeProblems().contains("unknown configuration key 'max-hop'"), p::describeProblems);
    }
}
