package io.github.keycloakobo.policy;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link RealmCeilings#and}: the stricter of two sets of realm-wide limits. */
class RealmCeilingsTest {

    static RealmCeilings hops(int maxHops) {
        return new RealmCeilings(OptionalInt.of(maxHops), OptionalInt.empty(), Set.of(), Optional.empty());
    }

    static RealmCeilings lifetime(int seconds) {
        return new RealmCeilings(OptionalInt.empty(), OptionalInt.of(seconds), Set.of(), Optional.empty());
    }

    static RealmCeilings denied(String... audiences) {
        return new RealmCeilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(audiences), Optional.empty());
    }

    static RealmCeilings scopes(String... allowed) {
        return new RealmCeilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(), Optional.of(Set.of(allowed)));
    }

    /** Asserts {@code a.and(b)} and {@code b.and(a)} both give {@code expected}. */
    static void assertAnd(RealmCeilings expected, RealmCeilings a, RealmCeilings b) {
        assertEquals(limits(expected), limits(a.and(b)), "a.and(b)");
        assertEquals(limits(expected), limits(b.and(a)), "b.and(a)");
    }

    /** What a set of ceilings means together, whatever its parts. */
    static java.util.List<Object> limits(RealmCeilings c) {
        return java.util.List.of(c.maxHops(), c.maxTokenLifetime(), c.deniedAudiences(), c.allowedScopes());
    }

    @Test
    void noneAndNoneIsNone() {
        assertEquals(limits(RealmCeilings.NONE), limits(RealmCeilings.NONE.and(RealmCeilings.NONE)));
    }

    @Test
    void noneIsNeutral() {
        RealmCeilings all = new RealmCeilings(OptionalInt.of(2), OptionalInt.of(60), Set.of("api-x"),
                Optional.of(Set.of("profile")));
        assertAnd(all, all, RealmCeilings.NONE);
    }

    @Test
    void lowerHopsWin() {
        assertAnd(hops(1), hops(1), hops(3));
    }

    @Test
    void shorterLifetimeWins() {
        assertAnd(lifetime(60), lifetime(300), lifetime(60));
    }

    @Test
    void deniedAudiencesAreUnited() {
        assertAnd(denied("api-x", "api-y", "api-z"), denied("api-x", "api-y"), denied("api-y", "api-z"));
    }

    @Test
    void allowedScopesAreIntersected() {
        assertAnd(scopes("profile"), scopes("profile", "email"), scopes("profile", "orders.read"));
    }

    @Test
    void disjointAllowedScopesAllowNothingRatherThanEverything() {
        assertAnd(scopes(), scopes("email"), scopes("orders.read"));
    }

    @Test
    void differentLimitsCombine() {
        assertAnd(new RealmCeilings(OptionalInt.of(2), OptionalInt.of(60), Set.of("api-x"),
                        Optional.of(Set.of("profile"))),
                new RealmCeilings(OptionalInt.of(2), OptionalInt.empty(), Set.of("api-x"), Optional.empty()),
                new RealmCeilings(OptionalInt.empty(), OptionalInt.of(60), Set.of(), Optional.of(Set.of("profile"))));
    }

    @Test
    void operandsAreLeftUntouched() {
        RealmCeilings a = new RealmCeilings(OptionalInt.of(3), OptionalInt.of(300), Set.of("api-x"),
                Optional.of(Set.of("profile", "email")));
        RealmCeilings b = new RealmCeilings(OptionalInt.of(1), OptionalInt.of(60), Set.of("api-y"),
                Optional.of(Set.of("email")));
        a.and(b);
        assertEquals(new RealmCeilings(OptionalInt.of(3), OptionalInt.of(300), Set.of("api-x"),
                Optional.of(Set.of("profile", "email"))), a);
        assertEquals(new RealmCeilings(OptionalInt.of(1), OptionalInt.of(60), Set.of("api-y"),
                Optional.of(Set.of("email"))), b);
    }
}
