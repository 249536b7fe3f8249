package io.github.keycloakobo.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A refresh of an OBO refresh token is the exchange's decision again, on the facts the refresh token recorded: the
 * same grant while nothing changed, a refusal ({@code invalid_grant}) as soon as an administrator's decision says no.
 */
class RefreshDecisionTest {

    static final long NOW = 1_700_000_000L;

    final SubjectFacts exchangeSubject = new SubjectFacts("jti-1", "web-app", Set.of("api-a"),
            Set.of("openid", "profile", "orders.read"), List.of(), false, false, NOW + 300);
    final List<SourceScope> sourceScopes = List.of(new SourceScope("profile", true, true),
            new SourceScope("orders.read", false, true), new SourceScope("orders.write", true, true),
            new SourceScope("roles", true, false));
    final Map<String, Target> targets = Map.of(
            "api-b", new Target("api-b", true, Set.of(), OptionalInt.of(120)),
            "api-off", new Target("api-off", false, Set.of(), OptionalInt.of(120)));
    final Function<String, Optional<Target>> lookup = id -> Optional.ofNullable(targets.get(id));

    OboClientPolicy policy(String audiences, boolean refreshTokens) {
        return new OboClientPolicy(true, SpaceSeparated.split(audiences), Optional.empty(), 1, OptionalInt.empty(),
                refreshTokens, true);
    }

    Decision.Allow exchanged() {
        ExchangeRequest request = new ExchangeRequest(RequestForm.TOKEN_EXCHANGE, "api-a", true, TokenTypes.ACCESS_TOKEN,
                Set.of(), List.of("api-b"), List.of(), Set.of("orders.read"), TokenTypes.REFRESH_TOKEN);
        return assertInstanceOf(Decision.Allow.class, OboPolicyEngine.decide(request, exchangeSubject,
                policy("api-b", true), RealmCeilings.NONE, lookup, sourceScopes, NOW));
    }

    Decision refresh(RecordedGrant grant, OboClientPolicy policy, RealmCeilings ceilings, long refreshExp) {
        return OboPolicyEngine.decide(grant.refreshRequest(), grant.subject("rt-1", refreshExp), policy, ceilings,
                lookup, sourceScopes, NOW + 100);
    }

    @Test
    void theRecordSurvivesTheRefreshTokenClaim() {
        RecordedGrant grant = RecordedGrant.of(exchanged(), exchangeSubject, true, "uuid-a");
        assertEquals(Optional.of(grant), RecordedGrant.fromClaim(grant.toClaim()));
        assertEquals("api-a", grant.requester());
        assertEquals(List.of("api-a"), grant.oboPath());
    }

    @Test
    void malformedOrForeignClaimsAreNoRecord() {
        assertEquals(Optional.empty(), RecordedGrant.fromClaim(null));
        assertEquals(Optional.empty(), RecordedGrant.fromClaim("x"));
        assertEquals(Optional.empty(), RecordedGrant.fromClaim(Map.of("path", List.of("a"))));
        assertEquals(Optional.empty(), RecordedGrant.fromClaim(Map.of("path", List.of(), "aud", List.of("b"),
                "scope", "", "subject_scope", "", "subject_azp", "web-app", "subject_client_session", true,
                "source_client", "uuid-a")));
        assertEquals(Optional.empty(), RecordedGrant.fromClaim(Map.of("path", List.of("a"), "aud", List.of("b"),
                "scope", "", "subject_scope", "", "subject_azp", "web-app")), "a record of an earlier build");
        assertEquals(Optional.empty(), RecordedGrant.fromClaim(Map.of("path", List.of("a"), "aud", List.of(1),
                "scope", "", "subject_scope", "", "subject_azp", "web-app")));
    }

    @Test
    void whileNothingChangedARefreshIsTheSameGrant() {
        Decision.Allow exchanged = exchanged();
        RecordedGrant grant = RecordedGrant.of(exchanged, exchangeSubject, true, "uuid-a");
        Decision.Allow refreshed = assertInstanceOf(Decision.Allow.class,
                refresh(grant, policy("api-b", true), RealmCeilings.NONE, NOW + 1800));
        assertEquals(exchanged.audiences(), refreshed.audiences());
        assertEquals(exchanged.restrictedScopes(), refreshed.restrictedScopes());
        assertEquals(exchanged.scopeParameter(), refreshed.scopeParameter());
        assertEquals(exchanged.oboPath(), refreshed.oboPath());
        assertTrue(refreshed.refreshToken());
        // the default scope orders.write was not in the user's token: left out again
        assertTrue(!refreshed.restrictedScopes().contains("orders.write"), refreshed::toString);
        // the target's lifespan, from the time of the refresh
        assertEquals(NOW + 100 + 120, refreshed.notAfter());
        assertEquals(grant, RecordedGrant.of(refreshed, grant.subject("rt-1", NOW + 1800), true, "uuid-a"));
    }

    @Test
    void nothingRefreshedOutlivesTheRefreshToken() {
        RecordedGrant grant = RecordedGrant.of(exchanged(), exchangeSubject, true, "uuid-a");
        Decision.Allow refreshed = assertInstanceOf(Decision.Allow.class,
                refresh(grant, policy("api-b", true), RealmCeilings.NONE, NOW + 150));
        assertEquals(NOW + 150, refreshed.notAfter());
    }

    @Test
    void everyRefusalOfARefreshIsInvalidGrant() {
        RecordedGrant grant = RecordedGrant.of(exchanged(), exchangeSubject, true, "uuid-a");
        assertRefused(refresh(grant, policy("api-c", true), RealmCeilings.NONE, NOW + 1800), "audience_not_allowed");
        assertRefused(refresh(grant, policy("api-b", false), RealmCeilings.NONE, NOW + 1800),
                "refresh_token_not_allowed");
        assertRefused(refresh(grant, new OboClientPolicy(false, Set.of("api-b"), Optional.empty(), 1,
                OptionalInt.empty(), true, true), RealmCeilings.NONE, NOW + 1800), "obo_disabled");
        assertRefused(refresh(grant, new OboClientPolicy(true, Set.of("api-b"), Optional.empty(), 1,
                OptionalInt.empty(), true, false), RealmCeilings.NONE, NOW + 1800), "refresh_tokens_switched_off");
        assertRefused(refresh(grant, policy("api-b", true), new RealmCeilings(OptionalInt.empty(), OptionalInt.empty(),
                Set.of("api-b"), Optional.empty()), NOW + 1800), "audience_denied_by_realm");
        assertRefused(refresh(grant, new OboClientPolicy(true, Set.of("api-b"), Optional.of(Set.of("profile")), 1,
                OptionalInt.empty(), true, true), RealmCeilings.NONE, NOW + 1800), "scope_not_allowed");
        RecordedGrant toDisabled = new RecordedGrant(List.of("api-a"), List.of("api-off"), Set.of(),
                exchangeSubject.scopes(), "web-app", false, "uuid-a");
        assertRefused(refresh(toDisabled, policy("api-off", true), RealmCeilings.NONE, NOW + 1800), "target_disabled");
        RecordedGrant toDeleted = new RecordedGrant(List.of("api-a"), List.of("api-gone"), Set.of(),
                exchangeSubject.scopes(), "web-app", false, "uuid-a");
        assertRefused(refresh(toDeleted, policy("api-gone", true), RealmCeilings.NONE, NOW + 1800), "unknown_target");
    }

    @Test
    void aLoweredHopLimitAppliesOnRefresh() {
        RecordedGrant hop2 = new RecordedGrant(List.of("api-x", "api-a"), List.of("api-b"), Set.of(),
                exchangeSubject.scopes(), "web-app", false, "uuid-a");
        OboClientPolicy twoHops = new OboClientPolicy(true, Set.of("api-b"), Optional.empty(), 2, OptionalInt.empty(),
                true, true);
        assertInstanceOf(Decision.Allow.class, refresh(hop2, twoHops, RealmCeilings.NONE, NOW + 1800));
        assertRefused(refresh(hop2, policy("api-b", true), RealmCeilings.NONE, NOW + 1800), "hop_limit");
        assertRefused(refresh(hop2, twoHops, new RealmCeilings(OptionalInt.of(1), OptionalInt.empty(), Set.of(),
                Optional.empty()), NOW + 1800), "hop_limit");
    }

    @Test
    void aLoweredRealmLifetimeAppliesOnRefresh() {
        RecordedGrant grant = RecordedGrant.of(exchanged(), exchangeSubject, true, "uuid-a");
        Decision.Allow refreshed = assertInstanceOf(Decision.Allow.class, refresh(grant, policy("api-b", true),
                new RealmCeilings(OptionalInt.empty(), OptionalInt.of(30), Set.of(), Optional.empty()), NOW + 1800));
        assertEquals(NOW + 100 + 30, refreshed.notAfter());
    }

    private static void assertRefused(Decision decision, String reason) {
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
        assertEquals(OAuthError.INVALID_GRANT, deny.denial().error(), deny::toString);
        assertEquals(reason, deny.denial().reason(), deny::toString);
    }
}
