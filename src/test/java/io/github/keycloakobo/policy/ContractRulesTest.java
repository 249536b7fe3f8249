package io.github.keycloakobo.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rules of design.md sections 3 and 4 that the review found missing: each as the pure decision answers it. */
class ContractRulesTest {

    static final long NOW = 1_700_000_000L;

    Map<String, Target> targets = Map.of(
            "api-b", new Target("api-b", true, Set.of(), OptionalInt.of(60)),
            "api-c", new Target("api-c", true, Set.of(), OptionalInt.of(900)),
            "account", new Target("account", true, Set.of(), OptionalInt.of(300)));
    List<SourceScope> scopes = List.of(new SourceScope("profile", true, true),
            new SourceScope("offline_access", false, true));

    SubjectFacts subject(List<String> path, boolean mintedByExchange) {
        return new SubjectFacts("jti", "web-app", Set.of("api-a"), Set.of("profile", "offline_access"), path, false,
                false, NOW + 3600, mintedByExchange);
    }

    ExchangeRequest request(String requestedTokenType, String... audiences) {
        return new ExchangeRequest(RequestForm.TOKEN_EXCHANGE, "api-a", true, TokenTypes.ACCESS_TOKEN, Set.of(),
                List.of(audiences), List.of(), Set.of(), requestedTokenType);
    }

    OboClientPolicy policy(String audiences) {
        return new OboClientPolicy(true, SpaceSeparated.split(audiences), Optional.empty(), 1, OptionalInt.empty(), true, true);
    }

    Decision decide(ExchangeRequest request, SubjectFacts subject, OboClientPolicy policy, RealmCeilings ceilings) {
        return OboPolicyEngine.decide(request, subject, policy, ceilings, id -> Optional.ofNullable(targets.get(id)),
                scopes, NOW);
    }

    @Test
    void aTokenMintedByAnyExchangeIsAtLeastOneHop() {
        assertEquals(0, subject(List.of(), false).hops());
        assertEquals(1, subject(List.of(), true).hops());
        assertEquals(2, subject(List.of("x", "y"), true).hops());
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
                decide(request(null, "api-b"), subject(List.of(), true), policy("api-b"), RealmCeilings.DEFAULT));
        assertEquals("hop_limit", deny.denial().reason());
    }

    @Test
    void withoutTokenLifetimeTheTargetsLifespanDecidesAndTheShortestOfSeveral() {
        Decision.Allow one = assertInstanceOf(Decision.Allow.class,
                decide(request(null, "api-c"), subject(List.of(), false), policy("api-c"), RealmCeilings.DEFAULT));
        assertEquals(NOW + 900, one.notAfter());
        Decision.Allow both = assertInstanceOf(Decision.Allow.class, decide(request(null, "api-b", "api-c"),
                subject(List.of(), false), policy("api-b api-c"), RealmCeilings.DEFAULT));
        assertEquals(NOW + 60, both.notAfter());
        OboClientPolicy withLifetime = new OboClientPolicy(true, Set.of("api-b"), Optional.empty(), 1,
                OptionalInt.of(120), false, true);
        Decision.Allow capped = assertInstanceOf(Decision.Allow.class,
                decide(request(null, "api-b"), subject(List.of(), false), withLifetime, RealmCeilings.DEFAULT));
        assertEquals(NOW + 120, capped.notAfter(), "obo.token-lifetime replaces the target's lifespan");
    }

    @Test
    void internalClientsAreDeniedUnlessARealmPolicyLeavesThemOut() {
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
                decide(request(null, "account"), subject(List.of(), false), policy("account"), RealmCeilings.DEFAULT));
        assertEquals("internal_client_denied", deny.denial().reason());
        assertEquals(OAuthError.INVALID_TARGET, deny.denial().error());
        RealmCeilings explicit = new RealmCeilings(OptionalInt.empty(), OptionalInt.empty(), Set.of("broker"),
                Optional.empty());
        assertInstanceOf(Decision.Allow.class,
                decide(request(null, "account"), subject(List.of(), false), policy("account"), explicit));
        assertTrue(RealmCeilings.DEFAULT.deniedAudiences().containsAll(RealmCeilings.INTERNAL_CLIENTS));
    }

    @Test
    void useRefreshTokensOffMeansNoRefreshTokenWithAReason() {
        OboClientPolicy off = new OboClientPolicy(true, Set.of("api-b"), Optional.empty(), 1, OptionalInt.empty(),
                true, false);
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decide(request(TokenTypes.REFRESH_TOKEN, "api-b"),
                subject(List.of(), false), off, RealmCeilings.DEFAULT));
        assertEquals("refresh_tokens_switched_off", deny.denial().reason());
        assertEquals(OAuthError.INVALID_REQUEST, deny.denial().error());
        assertTrue(deny.denial().description().contains("'Use refresh tokens' switched off"));
        assertEquals(false, OboClientAttributes.read(Map.of("use.refresh.tokens", "false")::get).policy()
                .refreshTokensEnabled());
        assertEquals(true, OboClientAttributes.read(Map.<String, String>of()::get).policy().refreshTokensEnabled());
    }

    @Test
    void offlineAccessIsNeverGranted() {
        Decision.Allow allow = assertInstanceOf(Decision.Allow.class,
                decide(request(null, "api-b"), subject(List.of(), false), policy("api-b"), RealmCeilings.DEFAULT));
        assertTrue(!allow.restrictedScopes().contains("offline_access"), allow::toString);
        ExchangeRequest asked = new ExchangeRequest(RequestForm.TOKEN_EXCHANGE, "api-a", true, TokenTypes.ACCESS_TOKEN,
                Set.of(), List.of("api-b"), List.of(), Set.of("offline_access"), null);
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
                decide(asked, subject(List.of(), false), policy("api-b"), RealmCeilings.DEFAULT));
        assertEquals("offline_access_not_allowed", deny.denial().reason());
        assertEquals(OAuthError.INVALID_SCOPE, deny.denial().error());
    }

    @Test
    void underACeilingHiddenDefaultScopesAreCeilingedExceptTheTokensBasics() {
        List<SourceScope> withHidden = List.of(new SourceScope("profile", true, true),
                new SourceScope("basic", true, false), new SourceScope("roles", true, false),
                new SourceScope("acr", true, false), new SourceScope("web-origins", true, false),
                new SourceScope("hidden-claims", true, false));
        OboClientPolicy ceiling = new OboClientPolicy(true, Set.of("api-b"), Optional.of(Set.of("profile")), 1,
                OptionalInt.empty(), false, true);
        Decision.Allow capped = assertInstanceOf(Decision.Allow.class, OboPolicyEngine.decide(request(null, "api-b"),
                subject(List.of(), false), ceiling, RealmCeilings.DEFAULT, id -> Optional.ofNullable(targets.get(id)),
                withHidden, NOW));
        assertEquals(Set.of("profile", "basic", "roles", "acr", "web-origins"), capped.restrictedScopes());

        RealmCeilings realm = new RealmCeilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(),
                Optional.of(Set.of("profile", "hidden-claims")));
        Decision.Allow named = assertInstanceOf(Decision.Allow.class, OboPolicyEngine.decide(request(null, "api-b"),
                subject(List.of(), false), policy("api-b"), realm, id -> Optional.ofNullable(targets.get(id)),
                withHidden, NOW));
        assertTrue(named.restrictedScopes().contains("hidden-claims"), "a ceiling that names it keeps it");

        Decision.Allow free = assertInstanceOf(Decision.Allow.class, OboPolicyEngine.decide(request(null, "api-b"),
                subject(List.of(), false), policy("api-b"), RealmCeilings.DEFAULT,
                id -> Optional.ofNullable(targets.get(id)), withHidden, NOW));
        assertTrue(free.restrictedScopes().contains("hidden-claims"), "without a ceiling hidden scopes apply");
    }
}
