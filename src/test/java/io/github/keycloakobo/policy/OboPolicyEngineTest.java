package io.github.keycloakobo.policy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.keycloakobo.policy.OAuthError.INVALID_GRANT;
import static io.github.keycloakobo.policy.OAuthError.INVALID_REQUEST;
import static io.github.keycloakobo.policy.OAuthError.INVALID_SCOPE;
import static io.github.keycloakobo.policy.OAuthError.INVALID_TARGET;
import static io.github.keycloakobo.policy.OAuthError.UNAUTHORIZED_CLIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The decision rules of design.md section 4 that the pure engine owns, and the shape of a grant (section 5).
 * Every test starts from a request that is allowed (see {@link #baselineIsAllowed}) and breaks exactly what it tests.
 */
class OboPolicyEngineTest {

    static final long NOW = 1_700_000_000L;
    /** The requesting (source) client. */
    static final String ME = "api-a";

    // ---- the world every test starts from -------------------------------------------------------------------------

    final Req request = new Req();
    final Subject subject = new Subject();
    final Policy policy = new Policy().audiences("api-b");
    RealmCeilings ceilings = RealmCeilings.NONE;

    final Map<String, Target> targets = new HashMap<>(Map.of(
            "api-b", new Target("api-b", true, Set.of("https://b.example.com/api")),
            "api-c", new Target("api-c", true, Set.of("https://c.example.com/", "urn:example:c")),
            "api-off", new Target("api-off", false, Set.of("https://off.example.com/"))));

    final List<SourceScope> sourceScopes = new ArrayList<>(List.of(
            new SourceScope("profile", true, true),
            new SourceScope("email", true, true),
            new SourceScope("roles", true, false),
            new SourceScope("web-origins", true, false),
            new SourceScope("openid", false, true),
            new SourceScope("orders.read", false, true),
            new SourceScope("orders.write", false, true)));

    // ---- helpers -----------------------------------------------------------------------------------------------------

    Decision decide() {
        return OboPolicyEngine.decide(request.build(), subject.build(), policy.build(), ceilings,
                id -> Optional.ofNullable(targets.get(id)), sourceScopes, NOW);
    }

    Decision.Allow allowed() {
        Decision decision = decide();
        if (decision instanceof Decision.Deny deny) {
            fail("expected a grant, got " + deny.denial());
        }
        return (Decision.Allow) decision;
    }

    /** Asserts a refusal by {@link OboPolicyEngine#decide} and that its description names each of {@code mentions}. */
    Denial denied(OAuthError error, String reason, String... mentions) {
        Decision decision = decide();
        if (decision instanceof Decision.Allow allow) {
            fail("expected " + error.code() + "/" + reason + ", got a grant " + allow);
        }
        return assertDenial(((Decision.Deny) decision).denial(), error, reason, mentions);
    }

    /** Asserts a refusal by {@link OboPolicyEngine#checkRequest}. */
    Denial rejected(OAuthError error, String reason, String... mentions) {
        Denial denial = OboPolicyEngine.checkRequest(request.build())
                .orElseGet(() -> fail("expected " + error.code() + "/" + reason + ", the request passed"));
        return assertDenial(denial, error, reason, mentions);
    }

    static Denial assertDenial(Denial denial, OAuthError error, String reason, String... mentions) {
        assertEquals(error, denial.error(), () -> "error of " + denial);
        assertEquals(reason, denial.reason(), () -> "reason of " + denial);
        for (String mention : mentions) {
            assertTrue(denial.description().contains(mention),
                    () -> "description should mention '" + mention + "': " + denial.description());
        }
        return denial;
    }

    /** The subject-token rules: {@code invalid_request} for RFC 8693, {@code invalid_grant} for the jwt-bearer form. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.METHOD)
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"TOKEN_EXCHANGE, INVALID_REQUEST", "JWT_BEARER_OBO, INVALID_GRANT"})
    @interface BothForms {
    }

    @Test
    void baselineIsAllowed() {
        assertEquals(Optional.empty(), OboPolicyEngine.checkRequest(request.build()));
        Decision.Allow allow = allowed();
        assertEquals(List.of("api-b"), allow.audiences());
        assertEquals(List.of(ME), allow.oboPath());
    }

    // ---- checkRequest: rules that need no subject token --------------------------------------------------------------

    @Nested
    class RequestParameters {

        @Test
        void missingSubjectToken() {
            request.noSubjectToken();
            rejected(INVALID_REQUEST, "missing_subject_token", "subject_token");
        }

        @Test
        void missingSubjectTokenType() {
            request.subjectTokenType(null);
            rejected(INVALID_REQUEST, "missing_subject_token_type", "subject_token_type");
        }

        @ParameterizedTest
        @ValueSource(strings = {TokenTypes.REFRESH_TOKEN, "urn:ietf:params:oauth:token-type:id_token",
                "urn:ietf:params:oauth:token-type:saml2", "access_token", ""})
        void unsupportedSubjectTokenType(String type) {
            request.subjectTokenType(type);
            rejected(INVALID_REQUEST, "unsupported_subject_token_type",
                    "'" + type + "'", TokenTypes.ACCESS_TOKEN, TokenTypes.JWT);
        }

        @ParameterizedTest
        @ValueSource(strings = {TokenTypes.ACCESS_TOKEN, TokenTypes.JWT})
        void supportedSubjectTokenTypes(String type) {
            request.subjectTokenType(type);
            assertEquals(Optional.empty(), OboPolicyEngine.checkRequest(request.build()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"actor_token", "actor_token_type", "requested_subject", "requested_issuer",
                "subject_issuer"})
        void impersonationOnlyParameter(String parameter) {
            request.forbidden(parameter);
            rejected(INVALID_REQUEST, "impersonation_only", parameter);
        }

        @Test
        void allForbiddenParametersAreNamed() {
            request.forbidden("subject_issuer", "actor_token");
            rejected(INVALID_REQUEST, "impersonation_only", "actor_token, subject_issuer");
        }

        @Test
        void missingSubjectTokenIsReportedFirst() {
            request.noSubjectToken().subjectTokenType(null).forbidden("actor_token");
            rejected(INVALID_REQUEST, "missing_subject_token");
        }

        @Test
        void subjectTokenTypeIsCheckedBeforeForbiddenParameters() {
            request.subjectTokenType("urn:example:other").forbidden("actor_token");
            rejected(INVALID_REQUEST, "unsupported_subject_token_type", "urn:example:other");
        }
    }

    // ---- the Entra jwt-bearer form -----------------------------------------------------------------------------------

    @Nested
    class JwtBearerForm {

        @Test
        void missingAssertionNamesTheAssertionParameter() {
            request.form(RequestForm.JWT_BEARER_OBO).noSubjectToken();
            Denial denial = rejected(INVALID_REQUEST, "missing_subject_token", "assertion");
            assertFalse(denial.description().contains("subject_token"), denial.description());
        }

        @Test
        void subjectTokenTypeIsNotRequired() {
            request.form(RequestForm.JWT_BEARER_OBO).subjectTokenType(null);
            assertEquals(Optional.empty(), OboPolicyEngine.checkRequest(request.build()));
            allowed();
        }

        @Test
        void forbiddenParametersStayInvalidRequest() {
            request.form(RequestForm.JWT_BEARER_OBO).subjectTokenType(null).forbidden("requested_subject");
            rejected(INVALID_REQUEST, "impersonation_only", "requested_subject");
        }

        @Test
        void targetAndScopeErrorsKeepTheirCodes() {
            request.form(RequestForm.JWT_BEARER_OBO).subjectTokenType(null).audience("api-c");
            denied(INVALID_TARGET, "audience_not_allowed", "api-c");

            request.audiences.clear();
            request.scope("nope");
            denied(INVALID_SCOPE, "unknown_scope", "nope");
        }
    }

    // ---- the subject token and the chain -----------------------------------------------------------------------------

    @Nested
    class SubjectToken {

        @Test
        void oboDisabledIsUnauthorizedClient() {
            policy.enabled = false;
            denied(UNAUTHORIZED_CLIENT, "obo_disabled", ME);
        }

        @BothForms
        void notIssuedForRequester(RequestForm form, OAuthError expected) {
            request.form(form);
            subject.audience("api-x", "account");
            denied(expected, "not_issued_for_requester", ME, "aud");
        }

        @Test
        void issuedForRequesterAmongOtherAudiences() {
            subject.audience("account", ME, "api-x");
            allowed();
        }

        @BothForms
        void delegationTokenIsRefused(RequestForm form, OAuthError expected) {
            request.form(form);
            subject.delegation = true;
            denied(expected, "delegation_token", "act", "may_act");
        }

        @BothForms
        void senderConstrainedTokenIsRefused(RequestForm form, OAuthError expected) {
            request.form(form);
            subject.senderConstrained = true;
            denied(expected, "sender_constrained", "cnf");
        }

        @BothForms
        void defaultMaxHopsAcceptsOnlyTokensStraightFromALogin(RequestForm form, OAuthError expected) {
            request.form(form);
            subject.path("api-x");
            denied(expected, "hop_limit", "1 exchange", "fewer than 1", ME);
        }

        @Test
        void maxHopsTwoAcceptsATokenExchangedOnce() {
            policy.maxHops = 2;
            subject.path("api-x");
            Decision.Allow allow = allowed();
            assertEquals(List.of("api-x", ME), allow.oboPath());
            assertEquals(2, allow.hops());
        }

        @Test
        void maxHopsTwoRefusesATokenExchangedTwice() {
            policy.maxHops = 2;
            subject.path("api-x", "api-y");
            denied(INVALID_REQUEST, "hop_limit", "2 exchange", "fewer than 2");
        }

        @Test
        void realmCeilingBelowTheClientsMaxHopsWins() {
            policy.maxHops = 3;
            ceilings = ceilings(OptionalInt.of(1), OptionalInt.empty(), Set.of(), Optional.empty());
            subject.path("api-x");
            denied(INVALID_REQUEST, "hop_limit", "fewer than 1");
        }

        @Test
        void realmCeilingAboveTheClientsMaxHopsDoesNotRaiseIt() {
            ceilings = ceilings(OptionalInt.of(5), OptionalInt.empty(), Set.of(), Optional.empty());
            subject.path("api-x");
            denied(INVALID_REQUEST, "hop_limit", "fewer than 1");
        }

        @BothForms
        void requesterAlreadyInTheExchangePathIsALoop(RequestForm form, OAuthError expected) {
            request.form(form);
            policy.maxHops = 5;
            subject.path(ME, "api-x");
            denied(expected, "exchange_loop", ME);
        }
    }

    // ---- the source client and the refresh token's bindings ------------------------------------------------------

    /** The rules on the requesting client, before anything else (design.md section 4). */
    @Nested
    class SourceClient {

        Optional<Denial> check(boolean publicClient, String... attributes) {
            Map<String, String> map = new HashMap<>();
            for (int i = 0; i < attributes.length; i += 2) {
                map.put(attributes[i], attributes[i + 1]);
            }
            return OboPolicyEngine.checkSource(ME, publicClient, OboClientAttributes.read(map::get));
        }

        @Test
        void aConfidentialEnabledClientPasses() {
            assertEquals(Optional.empty(), check(false, OboClientPolicy.ENABLED, "true"));
        }

        @Test
        void aPublicClientIsInvalidClientWhateverItsAttributes() {
            Denial d = check(true, OboClientPolicy.ENABLED, "yes").orElseThrow();
            assertEquals(OAuthError.INVALID_CLIENT, d.error());
            assertEquals("public_client", d.reason());
        }

        @Test
        void malformedAttributesAreNamedBeforeTheSwitchIsRead() {
            Denial d = check(false, OboClientPolicy.ENABLED, "True", OboClientPolicy.MAX_HOPS, "0").orElseThrow();
            assertEquals(UNAUTHORIZED_CLIENT, d.error());
            assertEquals(OboClientPolicy.MISCONFIGURED, d.reason());
            assertEquals("The OBO policy of client 'api-a' is misconfigured: obo.enabled is 'True', not true or "
                    + "false; obo.max-hops is '0', not a whole number of at least 1", d.description());
        }

        @Test
        void aClientNotEnabledIsUnauthorizedClient() {
            for (String[] attributes : new String[][] {{}, {OboClientPolicy.ENABLED, "false"},
                    {OboClientPolicy.ENABLED, ""}}) {
                Denial d = check(false, attributes).orElseThrow();
                assertEquals("obo_disabled", d.reason());
                assertEquals("Client 'api-a' is not enabled for on-behalf-of exchange", d.description());
            }
        }
    }

    /** Every binding of an OBO refresh token that an administrator can end refuses it, each with its own reason. */
    @Nested
    class RefreshBindings {

        final boolean[] facts = {true, true, true, true, true, true, true};
        final String[] reasons = {"refresh_token_outdated", "refresh_token_client_mismatch", "refresh_token_stale",
            "session_inactive", "user_invalid", "issuing_client_invalid", "subject_client_session_ended"};

        Optional<Denial> check() {
            return OboPolicyEngine.checkRefresh(new RefreshFacts(facts[0], facts[1], facts[2], facts[3], facts[4],
                    "web-app", facts[5], facts[6]));
        }

        @Test
        void allBindingsHeldPasses() {
            assertEquals(Optional.empty(), check());
        }

        @Test
        void eachBrokenBindingRefusesWithItsReasonAsInvalidGrant() {
            for (int i = 0; i < facts.length; i++) {
                java.util.Arrays.fill(facts, true);
                facts[i] = false;
                Denial d = check().orElseThrow();
                assertEquals(INVALID_GRANT, d.error(), reasons[i]);
                assertEquals(reasons[i], d.reason());
            }
        }

        @Test
        void theFirstBrokenBindingDecides() {
            facts[3] = false;
            facts[5] = false;
            assertEquals("session_inactive", check().orElseThrow().reason());
        }

        @Test
        void theSubjectClientIsNamed() {
            facts[5] = false;
            assertTrue(check().orElseThrow().description().contains("'web-app'"));
        }
    }

    // ---- which realm policy refused -------------------------------------------------------------------------------

    /** A refusal by a realm ceiling names the client policy and profile it comes from (design.md section 6). */
    @Nested
    class RealmPolicyOrigins {

        final RealmCeiling lenient = named("client policy 'p1' (profile 'wide')", OptionalInt.of(5), Set.of("api-x"),
                Optional.empty());
        final RealmCeiling strict = named("client policy 'p2' (profile 'narrow')", OptionalInt.of(1), Set.of("api-c"),
                Optional.of(Set.of("profile")));

        @Test
        void hopLimitNamesTheLowestCeiling() {
            policy.maxHops = 3;
            ceilings = RealmCeilings.of(lenient).and(RealmCeilings.of(strict));
            subject.path("api-x");
            denied(INVALID_REQUEST, "hop_limit", "client policy 'p2' (profile 'narrow') accepts fewer than 1");
        }

        @Test
        void hopLimitOfTheClientNamesTheClient() {
            ceilings = RealmCeilings.of(lenient);
            subject.path("api-x");
            denied(INVALID_REQUEST, "hop_limit", "client '" + ME + "' accepts fewer than 1");
        }

        @Test
        void deniedAudienceNamesThePolicyThatDeniesIt() {
            ceilings = RealmCeilings.of(lenient).and(RealmCeilings.of(strict));
            policy.audiences("api-b", "api-c");
            request.audience("api-c");
            denied(INVALID_TARGET, "audience_denied_by_realm",
                    "Target client 'api-c' is denied for on-behalf-of exchange by client policy 'p2' (profile 'narrow')");
        }

        @Test
        void internalClientDeniedByAPolicyNamesIt() {
            policy.audiences("realm-management");
            targets.put("realm-management", new Target("realm-management", true, Set.of()));
            ceilings = RealmCeilings.of(named("client policy 'p' (profile 'obo')", OptionalInt.empty(),
                    Set.copyOf(RealmCeilings.INTERNAL_CLIENTS), Optional.empty()));
            denied(INVALID_TARGET, "internal_client_denied", "internal clients",
                    "denied for on-behalf-of exchange by client policy 'p' (profile 'obo')");
        }

        @Test
        void internalClientWithoutAPolicySaysHowToAllowIt() {
            policy.audiences("realm-management");
            targets.put("realm-management", new Target("realm-management", true, Set.of()));
            ceilings = RealmCeilings.DEFAULT;
            denied(INVALID_TARGET, "internal_client_denied", "unless a realm obo-policy allows it");
        }

        @Test
        void scopeOutsideAllowedScopesNamesThePolicyThatLeavesItOut() {
            ceilings = RealmCeilings.of(lenient).and(RealmCeilings.of(strict));
            request.scope("email");
            denied(INVALID_SCOPE, "scope_denied_by_realm",
                    "Scope 'email' is outside the allowed scopes of client policy 'p2' (profile 'narrow')");
        }

        RealmCeiling named(String origin, OptionalInt hops, Set<String> denied, Optional<Set<String>> scopes) {
            return new RealmCeiling(Optional.of(origin), hops, OptionalInt.empty(), denied, scopes);
        }
    }

    // ---- audience / resource -----------------------------------------------------------------------------------------

    @Nested
    class Targets {

        @Test
        void audienceNotInTheAllowList() {
            request.audience("api-c");
            denied(INVALID_TARGET, "audience_not_allowed", "api-c", ME);
        }

        @Test
        void unknownTarget() {
            policy.audiences("ghost");
            request.audience("ghost");
            denied(INVALID_TARGET, "unknown_target", "ghost");
        }

        @Test
        void disabledTarget() {
            policy.audiences("api-off");
            request.audience("api-off");
            denied(INVALID_TARGET, "target_disabled", "api-off");
        }

        @Test
        void audienceDeniedByTheRealm() {
            ceilings = ceilings(OptionalInt.empty(), OptionalInt.empty(), Set.of("api-b"), Optional.empty());
            request.audience("api-b");
            denied(INVALID_TARGET, "audience_denied_by_realm", "api-b");
        }

        @Test
        void realmDenialAlsoAppliesToTheDefaultTarget() {
            ceilings = ceilings(OptionalInt.empty(), OptionalInt.empty(), Set.of("api-b"), Optional.empty());
            denied(INVALID_TARGET, "audience_denied_by_realm", "api-b");
        }

        @ParameterizedTest
        @ValueSource(strings = {"/api", "b.example.com/api", "api-b", "https://b.example.com/api#frag", "http://bad host/"})
        void resourceMustBeAnAbsoluteUri(String resource) {
            request.resource(resource);
            denied(INVALID_TARGET, "resource_not_absolute_uri", resource);
        }

        @Test
        void resourceMapsToTheAllowedTargetNamingIt() {
            request.resource("https://b.example.com/api");
            assertEquals(List.of("api-b"), allowed().audiences());
        }

        @Test
        void resourceMapsToTheRightOneOfSeveralAllowedTargets() {
            policy.audiences("api-b", "api-c");
            request.resource("urn:example:c");
            assertEquals(List.of("api-c"), allowed().audiences());
        }

        @Test
        void unknownResource() {
            request.resource("https://nowhere.example.com/");
            denied(INVALID_TARGET, "resource_not_allowed", "https://nowhere.example.com/", ME);
        }

        @Test
        void resourceOfATargetOutsideTheAllowList() {
            request.resource("https://c.example.com/");
            denied(INVALID_TARGET, "resource_not_allowed", "https://c.example.com/");
        }

        @Test
        void resourceOfADisabledAllowedTarget() {
            policy.audiences("api-b", "api-off");
            request.resource("https://off.example.com/");
            denied(INVALID_TARGET, "target_disabled", "api-off");
        }

        @Test
        void severalAllowedAudiencesGiveOneTokenForAll() {
            policy.audiences("api-b", "api-c");
            request.audience("api-c").audience("api-b");
            assertEquals(List.of("api-c", "api-b"), allowed().audiences());
        }

        @Test
        void audienceAndResourceCombine() {
            policy.audiences("api-b", "api-c");
            request.audience("api-b").resource("https://c.example.com/");
            assertEquals(List.of("api-b", "api-c"), allowed().audiences());
        }

        @Test
        void theSameTargetNamedTwiceAppearsOnce() {
            request.audience("api-b").resource("https://b.example.com/api");
            assertEquals(List.of("api-b"), allowed().audiences());
        }

        @Test
        void allOrNothingWhenOneAudienceIsNotAllowed() {
            policy.audiences("api-b", "api-c");
            request.audience("api-b").audience("api-z");
            denied(INVALID_TARGET, "audience_not_allowed", "api-z");
        }

        @Test
        void allOrNothingWhenOneAllowedTargetIsDisabled() {
            policy.audiences("api-b", "api-off");
            request.audience("api-b").audience("api-off");
            denied(INVALID_TARGET, "target_disabled", "api-off");
        }

        @Test
        void allOrNothingWhenOneResourceIsUnknown() {
            policy.audiences("api-b", "api-c");
            request.resource("https://b.example.com/api").resource("https://nowhere.example.com/");
            denied(INVALID_TARGET, "resource_not_allowed", "https://nowhere.example.com/");
        }

        @Test
        void noneGivenWithOneAllowedTargetDefaultsToIt() {
            policy.audiences("api-c");
            assertEquals(List.of("api-c"), allowed().audiences());
        }

        @Test
        void noneGivenWithSeveralAllowedTargets() {
            policy.audiences("api-b", "api-c");
            denied(INVALID_TARGET, "target_required", "audience", "resource");
        }

        @Test
        void emptyAllowList() {
            policy.audiences();
            denied(INVALID_TARGET, "no_allowed_targets", ME, "obo.audiences");
        }

        @Test
        void emptyAllowListWithAnAudience() {
            policy.audiences();
            request.audience("api-b");
            denied(INVALID_TARGET, "audience_not_allowed", "api-b");
        }
    }

    // ---- scopes ------------------------------------------------------------------------------------------------------

    @Nested
    class Scopes {

        @Test
        void explicitScopeUnknownToTheSourceClient() {
            request.scope("admin");
            denied(INVALID_SCOPE, "unknown_scope", "admin", ME);
        }

        @Test
        void explicitScopeNotInTheSubjectToken() {
            subject.scopes("openid", "profile", "email", "orders.read");
            request.scope("orders.write");
            denied(INVALID_SCOPE, "scope_not_in_subject_token", "orders.write");
        }

        @Test
        void explicitScopeOutsideOboScopes() {
            policy.scopes("profile", "email", "orders.read");
            request.scope("orders.write");
            denied(INVALID_SCOPE, "scope_not_allowed", "orders.write", "obo.scopes", ME);
        }

        @Test
        void explicitScopeOutsideTheRealmsAllowedScopes() {
            ceilings = ceilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(),
                    Optional.of(Set.of("profile", "email", "orders.read")));
            request.scope("orders.write");
            denied(INVALID_SCOPE, "scope_denied_by_realm", "orders.write");
        }

        @Test
        void explicitDefaultScopeOutsideACeilingIsNotSilentlyDropped() {
            policy.scopes("profile");
            request.scope("email");
            denied(INVALID_SCOPE, "scope_not_allowed", "email");
        }

        @Test
        void missingFromTheSubjectTokenIsReportedBeforeTheCeilings() {
            subject.scopes("openid", "profile");
            policy.scopes("profile");
            ceilings = ceilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(), Optional.of(Set.of("profile")));
            request.scope("orders.write");
            denied(INVALID_SCOPE, "scope_not_in_subject_token", "orders.write");
        }

        @Test
        void explicitScopesWithinEveryCeilingArePassedOn() {
            policy.scopes("openid", "profile", "email", "orders.read");
            request.scope("openid").scope("orders.read");
            Decision.Allow allow = allowed();
            assertEquals(Set.of("openid", "orders.read"), SpaceSeparated.split(allow.scopeParameter()));
            assertTrue(allow.restrictedScopes().containsAll(Set.of("openid", "orders.read")), allow::toString);
        }

        @Test
        void noExplicitScopesGiveAnEmptyScopeParameter() {
            assertEquals("", allowed().scopeParameter());
        }

        @Test
        void explicitlyRequestedUncappedDefaultScopeIsAccepted() {
            policy.scopes("profile");
            request.scope("roles");
            assertEquals("roles", allowed().scopeParameter());
        }

        @Test
        void withoutCeilingsDefaultScopesOfTheSubjectTokenAreKept() {
            assertTrue(allowed().restrictedScopes().containsAll(Set.of("profile", "email", "roles", "web-origins")));
        }

        @Test
        void defaultScopesOutsideOboScopesAreSilentlyDropped() {
            policy.scopes("profile");
            Set<String> restricted = allowed().restrictedScopes();
            assertTrue(restricted.contains("profile"), restricted::toString);
            assertFalse(restricted.contains("email"), restricted::toString);
            assertFalse(restricted.contains("orders.read"), restricted::toString);
        }

        @Test
        void defaultScopesOutsideTheRealmsAllowedScopesAreSilentlyDropped() {
            ceilings = ceilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(), Optional.of(Set.of("email")));
            Set<String> restricted = allowed().restrictedScopes();
            assertTrue(restricted.contains("email"), restricted::toString);
            assertFalse(restricted.contains("profile"), restricted::toString);
        }

        @Test
        void defaultScopesMissingFromTheSubjectTokenAreSilentlyDropped() {
            subject.scopes("openid", "profile");
            Set<String> restricted = allowed().restrictedScopes();
            assertTrue(restricted.contains("profile"), restricted::toString);
            assertFalse(restricted.contains("email"), restricted::toString);
        }

        @Test
        void uncappedDefaultScopesStayUnderEveryCeiling() {
            subject.scopes("openid");
            policy.scopes("openid");
            ceilings = ceilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(), Optional.of(Set.of("openid")));
            Set<String> restricted = allowed().restrictedScopes();
            assertTrue(restricted.containsAll(Set.of("roles", "web-origins")), restricted::toString);
            assertFalse(restricted.contains("profile"), restricted::toString);
            assertFalse(restricted.contains("email"), restricted::toString);
        }
    }

    // ---- requested_token_type ----------------------------------------------------------------------------------------

    @Nested
    class RequestedTokenType {

        @Test
        void absentMeansAnAccessToken() {
            assertFalse(allowed().refreshToken());
        }

        @Test
        void accessTokenIsAlwaysAllowed() {
            request.requestedTokenType = TokenTypes.ACCESS_TOKEN;
            assertFalse(allowed().refreshToken());
        }

        @Test
        void refreshTokenNotAllowed() {
            request.requestedTokenType = TokenTypes.REFRESH_TOKEN;
            denied(INVALID_REQUEST, "refresh_token_not_allowed", ME);
        }

        @Test
        void refreshTokenWhereAllowed() {
            policy.refreshToken = true;
            request.requestedTokenType = TokenTypes.REFRESH_TOKEN;
            assertTrue(allowed().refreshToken());
        }

        @ParameterizedTest
        @ValueSource(strings = {TokenTypes.JWT, "urn:ietf:params:oauth:token-type:id_token", "refresh_token", ""})
        void unsupportedType(String type) {
            policy.refreshToken = true;
            request.requestedTokenType = type;
            denied(INVALID_REQUEST, "unsupported_requested_token_type", "'" + type + "'", TokenTypes.ACCESS_TOKEN,
                    TokenTypes.REFRESH_TOKEN);
        }

        @Test
        void unsupportedTypeDoesNotAdvertiseRefreshTokensToClientsWithoutThem() {
            request.requestedTokenType = TokenTypes.JWT;
            Denial denial = denied(INVALID_REQUEST, "unsupported_requested_token_type", TokenTypes.JWT);
            assertFalse(denial.description().contains(TokenTypes.REFRESH_TOKEN), denial.description());
        }
    }

    // ---- the grant ---------------------------------------------------------------------------------------------------

    @Nested
    class Grant {

        @Test
        void tokenStraightFromALogin() {
            Decision.Allow allow = allowed();
            assertEquals(List.of("api-b"), allow.audiences());
            assertEquals(List.of(ME), allow.oboPath());
            assertEquals(1, allow.hops());
            assertEquals(subject.expiresAt, allow.notAfter());
            assertFalse(allow.refreshToken());
        }

        @Test
        void pathIsAppendedOldestFirst() {
            policy.maxHops = 3;
            subject.path("api-x", "api-y");
            Decision.Allow allow = allowed();
            assertEquals(List.of("api-x", "api-y", ME), allow.oboPath());
            assertEquals(3, allow.hops());
        }

        @ParameterizedTest(name = "exp=now+{0}, obo.token-lifetime={1}, realm max={2} -> now+{3}")
        @CsvSource({
                "300,    ,    , 300",
                "300,  60,    ,  60",
                "300,    , 120, 120",
                "300,  60, 120,  60",
                "300, 200, 100, 100",
                " 50,  60, 120,  50",
                "300, 300, 300, 300"})
        void notAfterIsTheEarliestOfAllLimits(long subjectTtl, Integer clientLifetime, Integer realmLifetime,
                                              long expectedTtl) {
            subject.expiresAt = NOW + subjectTtl;
            policy.tokenLifetime = clientLifetime == null ? OptionalInt.empty() : OptionalInt.of(clientLifetime);
            ceilings = ceilings(OptionalInt.empty(),
                    realmLifetime == null ? OptionalInt.empty() : OptionalInt.of(realmLifetime), Set.of(),
                    Optional.empty());
            assertEquals(NOW + expectedTtl, allowed().notAfter());
        }
    }

    // ---- which rule wins when several fail ---------------------------------------------------------------------------

    @Nested
    class RuleOrder {

        @Test
        void oboDisabledBeatsEverything() {
            policy.enabled = false;
            subject.audience("api-x");
            request.audience("ghost").scope("nope");
            denied(UNAUTHORIZED_CLIENT, "obo_disabled");
        }

        @Test
        void notIssuedForMeBeatsAnUnknownAudience() {
            subject.audience("api-x");
            request.audience("ghost");
            denied(INVALID_REQUEST, "not_issued_for_requester");
        }

        @Test
        void notIssuedForMeBeatsDelegationAndHops() {
            subject.audience("api-x").path("api-x");
            subject.delegation = true;
            denied(INVALID_REQUEST, "not_issued_for_requester");
        }

        @Test
        void delegationBeatsTheHopLimit() {
            subject.delegation = true;
            subject.path("api-x");
            denied(INVALID_REQUEST, "delegation_token");
        }

        @Test
        void senderConstraintBeatsTheHopLimit() {
            subject.senderConstrained = true;
            subject.path("api-x");
            denied(INVALID_REQUEST, "sender_constrained");
        }

        @Test
        void hopLimitBeatsAnInvalidTarget() {
            subject.path("api-x");
            request.audience("ghost");
            denied(INVALID_REQUEST, "hop_limit");
        }

        @Test
        void loopIsReportedAsSuchEvenWhenTheHopLimitIsAlsoReached() {
            subject.path(ME);
            denied(INVALID_REQUEST, "exchange_loop", ME);
        }

        @Test
        void invalidTargetBeatsInvalidScope() {
            request.audience("api-c").scope("nope");
            denied(INVALID_TARGET, "audience_not_allowed");
        }

        @Test
        void invalidScopeBeatsRequestedTokenType() {
            request.scope("nope").requestedTokenType = TokenTypes.REFRESH_TOKEN;
            denied(INVALID_SCOPE, "unknown_scope");
        }
    }

    // ---- builders ----------------------------------------------------------------------------------------------------

    static RealmCeilings ceilings(OptionalInt maxHops, OptionalInt maxLifetime, Set<String> denied,
                                  Optional<Set<String>> allowedScopes) {
        return new RealmCeilings(maxHops, maxLifetime, denied, allowedScopes);
    }

    /** An RFC 8693 request by {@link #ME} with an access-token subject token and nothing else. */
    static final class Req {
        RequestForm form = RequestForm.TOKEN_EXCHANGE;
        boolean subjectTokenPresent = true;
        String subjectTokenType = TokenTypes.ACCESS_TOKEN;
        final Set<String> forbidden = new LinkedHashSet<>();
        final List<String> audiences = new ArrayList<>();
        final List<String> resources = new ArrayList<>();
        final Set<String> scopes = new LinkedHashSet<>();
        String requestedTokenType;

        Req form(RequestForm value) {
            form = value;
            return this;
        }

        Req noSubjectToken() {
            subjectTokenPresent = false;
            return this;
        }

        Req subjectTokenType(String value) {
            subjectTokenType = value;
            return this;
        }

        Req forbidden(String... names) {
            forbidden.addAll(List.of(names));
            return this;
        }

        Req audience(String value) {
            audiences.add(value);
            return this;
        }

        Req resource(String value) {
            resources.add(value);
            return this;
        }

        Req scope(String value) {
            scopes.add(value);
            return this;
        }

        ExchangeRequest build() {
            return new ExchangeRequest(form, ME, subjectTokenPresent, subjectTokenType, forbidden, audiences,
                    resources, scopes, requestedTokenType);
        }
    }

    /** A user's access token issued for {@link #ME}, straight from a login, valid for five more minutes. */
    static final class Subject {
        Set<String> audience = Set.of(ME, "account");
        Set<String> scopes = Set.of("openid", "profile", "email", "orders.read", "orders.write");
        List<String> path = List.of();
        boolean delegation;
        boolean senderConstrained;
        long expiresAt = NOW + 300;

        Subject audience(String... values) {
            audience = Set.of(values);
            return this;
        }

        Subject scopes(String... values) {
            scopes = Set.of(values);
            return this;
        }

        Subject path(String... clientIds) {
            path = List.of(clientIds);
            return this;
        }

        SubjectFacts build() {
            return new SubjectFacts("jti-1", "web-app", audience, scopes, path, delegation, senderConstrained,
                    expiresAt);
        }
    }

    /** An enabled client with the contract's defaults. */
    static final class Policy {
        boolean enabled = true;
        Set<String> audiences = Set.of();
        Optional<Set<String>> scopes = Optional.empty();
        int maxHops = OboClientPolicy.DEFAULT_MAX_HOPS;
        OptionalInt tokenLifetime = OptionalInt.empty();
        boolean refreshToken;

        Policy audiences(String... clientIds) {
            audiences = Set.of(clientIds);
            return this;
        }

        Policy scopes(String... names) {
            scopes = Optional.of(Set.of(names));
            return this;
        }

        OboClientPolicy build() {
            return new OboClientPolicy(enabled, audiences, scopes, maxHops, tokenLifetime, refreshToken);
        }
    }
}
