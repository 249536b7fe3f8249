package io.github.keycloakobo.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static io.github.keycloakobo.policy.OAuthError.INVALID_REQUEST;
import static io.github.keycloakobo.policy.OAuthError.INVALID_SCOPE;
import static io.github.keycloakobo.policy.OAuthError.INVALID_TARGET;
import static io.github.keycloakobo.policy.OAuthError.UNAUTHORIZED_CLIENT;

/**
 * The OBO decision (design.md section 4), as pure functions of plain inputs. The rules run in the
 * documented order and the first that fails decides the error.
 */
public final class OboPolicyEngine {

    private static final String OFFLINE_ACCESS = "offline_access";

    /**
     * Keycloak's own hidden default scopes that carry a token's basics ({@code sub}, roles, {@code acr}, allowed
     * origins): kept under any scope ceiling, because a token without them is no usable token (design.md section 4).
     */
    public static final Set<String> TOKEN_BASICS = Set.of("basic", "roles", "acr", "web-origins");

    private OboPolicyEngine() {
    }

    /**
     * The rules on the requesting client itself, first of all and in every form (design.md section 4): a confidential
     * client, with well-formed {@code obo.*} attributes that switch OBO on.
     */
    public static Optional<Denial> checkSource(String clientId, boolean publicClient, OboClientAttributes attributes) {
        if (publicClient) {
            return deny(OAuthError.INVALID_CLIENT, "public_client", "Public clients cannot exchange tokens on behalf "
                    + "of users; client '" + clientId + "' must be confidential");
        }
        if (attributes.enabled().isEmpty() && !attributes.problems().containsKey(OboClientPolicy.ENABLED)
                || attributes.enabled().equals(Optional.of(false))) {
            // switched off (validly): whatever else is malformed, the client does not take part in OBO
            return Optional.of(disabled(clientId));
        }
        if (!attributes.wellFormed()) {
            return deny(UNAUTHORIZED_CLIENT, OboClientPolicy.MISCONFIGURED, "The OBO policy of client '" + clientId
                    + "' is misconfigured: " + attributes.describeProblems());
        }
        return Optional.empty();
    }

    /**
     * The rules on an OBO refresh token's bindings, after Keycloak verified the token itself: each administrator
     * decision since the exchange (a logout, a disabled user or client, a not-before revocation) refuses it.
     */
    public static Optional<Denial> checkRefresh(RefreshFacts facts) {
        if (!facts.recorded()) {
            return refusedRefresh("refresh_token_outdated", "The refresh token was issued by an earlier version of "
                    + "the on-behalf-of extension; exchange the user's token again");
        }
        if (!facts.issuedToRequester()) {
            return refusedRefresh("refresh_token_client_mismatch", "The refresh token was not issued to this client");
        }
        if (!facts.afterClientNotBefore()) {
            return refusedRefresh("refresh_token_stale", "The refresh token was issued before the client's "
                    + "not-before revocation");
        }
        if (!facts.sessionActive()) {
            return refusedRefresh("session_inactive", "The user session of the refresh token is not active "
                    + "(logged out or expired)");
        }
        if (!facts.userValid()) {
            return refusedRefresh("user_invalid", "The user of the refresh token is disabled or no longer exists");
        }
        if (!facts.subjectClientValid()) {
            return refusedRefresh("issuing_client_invalid", "The client the user's token was issued to ('"
                    + facts.subjectIssuedFor() + "') is unknown or disabled");
        }
        if (!facts.subjectClientSessionActive()) {
            return refusedRefresh("subject_client_session_ended", "The user's session at client '"
                    + facts.subjectIssuedFor() + "', which the exchanged token came from, has ended");
        }
        return Optional.empty();
    }

    /** A second use of an OBO refresh token where the realm revokes refresh tokens on use. */
    public static Denial refreshTokenReused() {
        return Denial.of(OAuthError.INVALID_GRANT, "refresh_token_reused", "The refresh token was already used, "
                + "and this realm revokes refresh tokens on use");
    }

    /** Rules that need no subject token: run before the token is even verified. */
    public static Optional<Denial> checkRequest(ExchangeRequest request) {
        if (!request.subjectTokenPresent()) {
            return deny(INVALID_REQUEST, "missing_subject_token", request.form() == RequestForm.JWT_BEARER_OBO
                    ? "Missing parameter: assertion"
                    : "Missing parameter: subject_token");
        }
        if (request.form() == RequestForm.TOKEN_EXCHANGE) {
            String type = request.subjectTokenType();
            if (type == null) {
                return deny(INVALID_REQUEST, "missing_subject_token_type", "Missing parameter: subject_token_type");
            }
            if (!type.equals(TokenTypes.ACCESS_TOKEN) && !type.equals(TokenTypes.JWT)) {
                return deny(INVALID_REQUEST, "unsupported_subject_token_type",
                        "Unsupported subject_token_type '" + type + "': it must be " + TokenTypes.ACCESS_TOKEN
                                + " or " + TokenTypes.JWT);
            }
        }
        if (!request.forbiddenParameters().isEmpty()) {
            return deny(INVALID_REQUEST, "impersonation_only",
                    "On-behalf-of exchange is impersonation only; remove parameter(s): "
                            + String.join(", ", new TreeSet<>(request.forbiddenParameters())));
        }
        return Optional.empty();
    }

    /**
     * Decides an exchange whose request passed {@link #checkRequest} and whose subject token was verified.
     *
     * @param targets      finds a client by client id (empty when unknown)
     * @param sourceScopes the client scopes (default and optional) of the requesting client
     * @param now          the current time, epoch seconds
     */
    public static Decision decide(ExchangeRequest request, SubjectFacts subject, OboClientPolicy policy,
                                  RealmCeilings ceilings, Function<String, Optional<Target>> targets,
                                  Collection<SourceScope> sourceScopes, long now) {
        try {
            checkSubject(request, subject, policy, ceilings);
            List<String> audiences = resolveTargets(request, policy, ceilings, targets);
            Set<String> restrictedScopes = restrictScopes(request, subject, policy, ceilings, sourceScopes);
            boolean refresh = wantsRefreshToken(request, policy);

            long notAfter = Math.min(subject.expiresAt(), now + lifetime(policy, audiences, targets));
            if (ceilings.maxTokenLifetime().isPresent()) {
                notAfter = Math.min(notAfter, now + ceilings.maxTokenLifetime().getAsInt());
            }
            List<String> path = new ArrayList<>(subject.oboPath());
            path.add(request.requester());
            return new Decision.Allow(audiences, restrictedScopes, SpaceSeparated.join(request.scopes()), notAfter, path,
                    refresh);
        } catch (OboDeniedException e) {
            return new Decision.Deny(request.form().answer(e.denial()));
        }
    }

    /**
     * {@code obo.token-lifetime}, else the shortest access token lifespan of the granted targets (design.md section
     * 3); unbounded here when neither is known (the subject token's {@code exp} still caps it).
     */
    private static long lifetime(OboClientPolicy policy, List<String> audiences,
                                 Function<String, Optional<Target>> targets) {
        if (policy.tokenLifetime().isPresent()) {
            return policy.tokenLifetime().getAsInt();
        }
        return audiences.stream()
                .map(targets)
                .flatMap(Optional::stream)
                .map(Target::accessTokenLifespan)
                .filter(OptionalInt::isPresent)
                .mapToLong(OptionalInt::getAsInt)
                .min()
                .orElse(Integer.MAX_VALUE);
    }

    private static void checkSubject(ExchangeRequest request, SubjectFacts subject, OboClientPolicy policy,
                                     RealmCeilings ceilings) {
        String requester = request.requester();
        OAuthError subjectError = request.form().subjectTokenError();
        if (!policy.enabled()) {
            // unreachable after checkSource; kept so that the decision alone never grants for a disabled client
            throw new OboDeniedException(disabled(requester));
        }
        if (!subject.audience().contains(requester)) {
            throw denied(subjectError, "not_issued_for_requester",
                    "The subject token was not issued for client '" + requester + "' (it is not in the token's aud)");
        }
        if (subject.delegation()) {
            throw denied(subjectError, "delegation_token",
                    "The subject token is a delegation token (act/may_act); only impersonation is supported");
        }
        if (subject.senderConstrained()) {
            throw denied(subjectError, "sender_constrained",
                    "The subject token is sender-constrained (cnf: DPoP or mTLS); its holder cannot pass it on");
        }
        if (subject.oboPath().contains(requester)) {
            throw denied(subjectError, "exchange_loop",
                    "Client '" + requester + "' already exchanged this token (obo_path " + subject.oboPath() + ")");
        }
        Optional<RealmCeiling> realmHops = ceilings.hopCeiling()
                .filter(c -> c.maxHops().getAsInt() < policy.maxHops());
        int maxHops = realmHops.map(c -> c.maxHops().getAsInt()).orElse(policy.maxHops());
        if (subject.hops() >= maxHops) {
            throw denied(subjectError, "hop_limit",
                    "Hop limit reached: the subject token went through " + subject.hops() + " exchange(s) and "
                            + realmHops.map(RealmCeiling::describeOrigin).orElse("client '" + requester + "'")
                            + " accepts fewer than " + maxHops);
        }
    }

    /** The granted audiences: all requested ones, or the single allowed target when none is named. */
    private static List<String> resolveTargets(ExchangeRequest request, OboClientPolicy policy,
                                               RealmCeilings ceilings, Function<String, Optional<Target>> targets) {
        String requester = request.requester();
        Set<String> granted = new LinkedHashSet<>();
        for (String audience : request.audiences()) {
            if (!policy.audiences().contains(audience)) {
                throw denied(INVALID_TARGET, "audience_not_allowed",
                        "Audience '" + audience + "' is not an allowed target of client '" + requester + "'");
            }
            granted.add(audience);
        }
        for (String resource : request.resources()) {
            if (!isResourceIndicator(resource)) {
                throw denied(INVALID_TARGET, "resource_not_absolute_uri",
                        "Resource '" + resource + "' is not an absolute URI");
            }
            granted.add(policy.audiences().stream().sorted()
                    .filter(id -> targets.apply(id).map(t -> t.resources().contains(resource)).orElse(false))
                    .findFirst()
                    .orElseThrow(() -> denied(INVALID_TARGET, "resource_not_allowed",
                            "Resource '" + resource + "' does not name an allowed target of client '" + requester + "'")));
        }
        if (granted.isEmpty()) {
            if (policy.audiences().isEmpty()) {
                throw denied(INVALID_TARGET, "no_allowed_targets",
                        "Client '" + requester + "' has no allowed targets (obo.audiences is empty)");
            }
            if (policy.audiences().size() > 1) {
                throw denied(INVALID_TARGET, "target_required",
                        "Client '" + requester + "' may call several targets; name one with audience or resource");
            }
            granted.add(policy.audiences().iterator().next());
        }
        for (String clientId : granted) {
            Target target = targets.apply(clientId).orElseThrow(() -> denied(INVALID_TARGET, "unknown_target",
                    "Target client '" + clientId + "' does not exist"));
            if (!target.enabled()) {
                throw denied(INVALID_TARGET, "target_disabled", "Target client '" + clientId + "' is disabled");
            }
            Optional<RealmCeiling> denying = ceilings.denying(clientId);
            if (denying.isPresent()) {
                Optional<String> by = denying.get().origin().map(origin -> " by " + origin);
                throw RealmCeilings.INTERNAL_CLIENTS.contains(clientId)
                        ? denied(INVALID_TARGET, "internal_client_denied", "Target client '" + clientId + "' is one "
                                + "of Keycloak's internal clients, denied for on-behalf-of exchange"
                                + by.orElse(" unless a realm obo-policy allows it"))
                        : denied(INVALID_TARGET, "audience_denied_by_realm", "Target client '" + clientId
                                + "' is denied for on-behalf-of exchange" + by.orElse(" in this realm"));
            }
        }
        return List.copyOf(granted);
    }

    /**
     * The client scopes Keycloak may apply. A scope that shows in the token's {@code scope} claim is kept only when
     * the subject token has it and every ceiling allows it. A default scope that does not show there
     * ({@code include.in.token.scope=false}) is kept without a ceiling; under a ceiling ({@code obo.scopes} or the
     * realm's allowed scopes) only when a ceiling names it or it is one of {@link #TOKEN_BASICS}. An explicitly
     * requested scope that is not kept is {@code invalid_scope}.
     */
    private static Set<String> restrictScopes(ExchangeRequest request, SubjectFacts subject, OboClientPolicy policy,
                                              RealmCeilings ceilings, Collection<SourceScope> sourceScopes) {
        String requester = request.requester();
        boolean ceilingSet = policy.scopeCeiling().isPresent() || ceilings.limitsScopes();
        Set<String> known = new HashSet<>();
        Set<String> restricted = new HashSet<>();
        for (SourceScope scope : sourceScopes) {
            known.add(scope.name());
            if (scope.name().equals(OFFLINE_ACCESS)) {
                continue;
            }
            boolean kept;
            if (scope.isDefault() && !scope.includedInTokenScope()) {
                // a hidden default scope never shows in the subject token's scope: only the ceilings can name it
                kept = !ceilingSet || TOKEN_BASICS.contains(scope.name())
                        || withinCeilingNames(scope.name(), policy, ceilings);
            } else {
                kept = withinCeilings(scope.name(), subject, policy, ceilings);
            }
            if (kept) {
                restricted.add(scope.name());
            }
        }
        for (String scope : request.scopes()) {
            if (restricted.contains(scope)) {
                continue;
            }
            if (scope.equals(OFFLINE_ACCESS)) {
                throw denied(INVALID_SCOPE, "offline_access_not_allowed",
                        "Scope 'offline_access' cannot be requested: on-behalf-of exchange never issues offline tokens");
            }
            if (!known.contains(scope)) {
                throw denied(INVALID_SCOPE, "unknown_scope",
                        "Scope '" + scope + "' is not a scope of client '" + requester + "'");
            }
            if (!subject.scopes().contains(scope)) {
                throw denied(INVALID_SCOPE, "scope_not_in_subject_token",
                        "Scope '" + scope + "' was not granted in the subject token");
            }
            if (policy.scopeCeiling().map(c -> !c.contains(scope)).orElse(false)) {
                throw denied(INVALID_SCOPE, "scope_not_allowed",
                        "Scope '" + scope + "' is outside obo.scopes of client '" + requester + "'");
            }
            throw denied(INVALID_SCOPE, "scope_denied_by_realm", "Scope '" + scope + "' is outside the allowed "
                    + "scopes of " + ceilings.excluding(scope).map(RealmCeiling::describeOrigin).orElse("the realm's obo-policy"));
        }
        return restricted;
    }

    private static boolean wantsRefreshToken(ExchangeRequest request, OboClientPolicy policy) {
        String tokenType = request.requestedTokenType();
        if (tokenType == null || tokenType.equals(TokenTypes.ACCESS_TOKEN)) {
            return false;
        }
        if (!tokenType.equals(TokenTypes.REFRESH_TOKEN)) {
            throw denied(INVALID_REQUEST, "unsupported_requested_token_type",
                    "Unsupported requested_token_type '" + tokenType + "': it must be " + TokenTypes.ACCESS_TOKEN
                            + (policy.refreshTokenAllowed() ? " or " + TokenTypes.REFRESH_TOKEN : ""));
        }
        if (!policy.refreshTokenAllowed()) {
            throw denied(INVALID_REQUEST, "refresh_token_not_allowed",
                    "Client '" + request.requester() + "' may not obtain refresh tokens by on-behalf-of exchange");
        }
        if (!policy.refreshTokensEnabled()) {
            throw denied(INVALID_REQUEST, "refresh_tokens_switched_off",
                    "Client '" + request.requester() + "' has 'Use refresh tokens' switched off, so it gets no "
                            + "refresh token by on-behalf-of exchange");
        }
        return true;
    }

    private static boolean withinCeilings(String scope, SubjectFacts subject, OboClientPolicy policy,
                                          RealmCeilings ceilings) {
        return subject.scopes().contains(scope) && withinCeilingNames(scope, policy, ceilings);
    }

    private static boolean withinCeilingNames(String scope, OboClientPolicy policy, RealmCeilings ceilings) {
        return policy.scopeCeiling().map(c -> c.contains(scope)).orElse(true)
                && ceilings.allowsScope(scope);
    }

    /** A valid {@code resource} value (RFC 8707): an absolute URI without a fragment. */
    public static boolean isResourceIndicator(String value) {
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Denial disabled(String clientId) {
        return Denial.of(UNAUTHORIZED_CLIENT, "obo_disabled",
                "Client '" + clientId + "' is not enabled for on-behalf-of exchange");
    }

    private static Optional<Denial> refusedRefresh(String reason, String description) {
        return deny(OAuthError.INVALID_GRANT, reason, description);
    }

    private static Optional<Denial> deny(OAuthError error, String reason, String description) {
        return Optional.of(Denial.of(error, reason, description));
    }

    private static OboDeniedException denied(OAuthError error, String reason, String description) {
        return new OboDeniedException(error, reason, description);
    }
}
