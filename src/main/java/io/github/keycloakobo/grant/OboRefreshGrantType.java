package io.github.keycloakobo.grant;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import io.github.keycloakobo.compat.KeycloakApi;
import io.github.keycloakobo.policy.OAuthError;
import io.github.keycloakobo.policy.OboClientPolicy;
import io.github.keycloakobo.policy.OboDeniedException;
import io.github.keycloakobo.policy.OboPolicyEngine;
import io.github.keycloakobo.policy.RecordedGrant;
import io.github.keycloakobo.policy.RefreshFacts;
import io.github.keycloakobo.policy.RequestForm;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.TokenVerifier;
import org.keycloak.common.VerificationException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.protocol.oidc.grants.RefreshTokenGrantType;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.context.TokenExchangeRequestContext;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.util.TokenUtil;

/**
 * {@code grant_type=refresh_token}: a refresh token that an OBO exchange issued (it carries a {@link RecordedGrant})
 * is refreshed by a fresh OBO decision on the recorded facts and issued by the same code as the exchange; every other
 * refresh token goes unchanged to Keycloak's own refresh grant.
 */
public class OboRefreshGrantType extends OAuth2GrantTypeBase {

    /** A refresh token claim of builds before 1.0.0, whose refreshes were not re-decided: such tokens are refused. */
    private static final String LEGACY_PATH_CLAIM = OboClaims.OBO_PATH;

    private static final String USED_KEY_PREFIX = "obo-refresh-used.";

    private final OAuth2GrantType keycloakGrant = new RefreshTokenGrantType();

    @Override
    public EventType getEventType() {
        return EventType.REFRESH_TOKEN;
    }

    @Override
    public Set<String> getTokenParameterNames() {
        return keycloakGrant.getTokenParameterNames();
    }

    @Override
    public Response process(Context context) {
        String encoded = context.getFormParams().getFirst(OAuth2Constants.REFRESH_TOKEN);
        if (!isOnBehalfOf(encoded)) {
            return keycloakGrant.process(context);
        }
        setContext(context);
        event.client(client);
        TokenRequestContext call = new TokenRequestContext(session, realm, client, event, cors, tokenManager, clientAuthAttributes, null);
        return OboExchangeCore.guarded(call, RequestForm.REFRESH, () -> {
            OboClientPolicy policy = OboExchangeCore.sourcePolicy(client);
            RefreshToken refreshToken = verified(encoded);
            Optional<RecordedGrant> recorded =
                    RecordedGrant.fromClaim(refreshToken.getOtherClaims().get(RecordedGrant.CLAIM));
            UserSessionModel userSession = recorded.isEmpty() ? null
                    : session.sessions().getUserSession(realm, refreshToken.getSessionId());
            boolean sessionActive = AuthenticationManager.isSessionValid(realm, userSession)
                    && !refreshToken.isIssuedBeforeSessionStart(userSession.getStarted())
                    && userSession.getUser().getId().equals(refreshToken.getSubject());
            ClientModel issuedFor = recorded.map(g -> realm.getClientByClientId(g.subjectIssuedFor())).orElse(null);
            OboPolicyEngine.checkRefresh(new RefreshFacts(
                    recorded.isPresent(),
                    recorded.filter(g -> g.requester().equals(client.getClientId())
                            && g.sourceClient().equals(client.getId())).isPresent(),
                    refreshToken.getIat() != null && refreshToken.getIat() >= client.getNotBefore(),
                    sessionActive,
                    sessionActive && TokenManager.isUserValid(session, realm, refreshToken, userSession.getUser()),
                    recorded.map(RecordedGrant::subjectIssuedFor).orElse(null),
                    issuedFor != null && issuedFor.isEnabled(),
                    recorded.filter(g -> !g.subjectClientSession() || (sessionActive && issuedFor != null
                            && userSession.getAuthenticatedClientSessionByClient(issuedFor.getId()) != null))
                            .isPresent()))
                    .ifPresent(denial -> {
                        throw new OboDeniedException(denial);
                    });
            RecordedGrant grant = recorded.orElseThrow();
            UserModel user = userSession.getUser();
            event.session(userSession.getId());
            event.detail(Details.REFRESH_TOKEN_ID, refreshToken.getId());
            event.detail(Details.REFRESH_TOKEN_TYPE, refreshToken.getType());

            // Keycloak's refresh policies, and the realm's policies on token exchange as for the exchange itself
            OboExchangeCore.triggerClientPolicies(session, event, cors,
                    KeycloakApi.get().refreshPolicyContext(formParams, client, getRequestedScopes()));
            TokenExchangeContext exchange = OboExchangeCore.equivalentExchange(call, clientConnection, headers,
                    encoded, grant.audiences(), List.of(), grant.requestedScopes());
            OboExchangeCore.triggerClientPolicies(session, event, cors, new TokenExchangeRequestContext(exchange));

            if (realm.isRevokeRefreshToken() && !firstUse(refreshToken)) {
                throw new OboDeniedException(OboPolicyEngine.refreshTokenReused());
            }
            OboSubject subject = new OboSubject(user, userSession, issuedFor,
                    grant.subject(refreshToken.getId(), refreshToken.getExp()), grant.subjectClientSession());
            return OboExchangeCore.decideAndIssue(call.withRestrictedScopes(KeycloakApi.get().restrictedScopes(exchange)),
                    grant.refreshRequest(), subject, policy);
        });
    }

    /**
     * Whether the token claims to be an OBO refresh token. Read without its signature, which either path then checks in
     * full (Keycloak's grant for the others answers a forged or broken token exactly as without the extension), so that
     * no refresh in the server pays a second signature check for the routing.
     */
    private static boolean isOnBehalfOf(String encoded) {
        if (encoded == null) {
            return false;
        }
        try {
            Map<String, Object> claims = TokenVerifier.create(encoded, RefreshToken.class).getToken().getOtherClaims();
            return claims.containsKey(RecordedGrant.CLAIM) || claims.containsKey(LEGACY_PATH_CLAIM);
        } catch (VerificationException | RuntimeException e) {
            return false;
        }
    }

    /** Keycloak's own checks of a refresh token: signature, issuer, type, expiry, not-before, client, binding. */
    private RefreshToken verified(String encoded) {
        RefreshToken token;
        try {
            token = tokenManager.verifyRefreshToken(session, realm, client, request, encoded, true);
        } catch (OAuthErrorException e) {
            throw new OboDeniedException(OAuthError.INVALID_GRANT, "refresh_token_invalid",
                    e.getDescription() == null ? "Invalid refresh token" : e.getDescription());
        }
        if (!TokenUtil.TOKEN_TYPE_REFRESH.equals(token.getType())) {
            throw new OboDeniedException(OAuthError.INVALID_GRANT, "refresh_token_invalid",
                    "An on-behalf-of refresh token is never an offline token");
        }
        return token;
    }

    /**
     * With the realm's "Revoke refresh token" on, an OBO refresh token is good for one refresh: its id is recorded
     * (cluster-wide, until it would expire anyway) and a second use is refused. Keycloak's "maximum reuse" count is not
     * applied to OBO refresh tokens: one use, always.
     */
    private boolean firstUse(RefreshToken refreshToken) {
        long lifespan = Math.max(refreshToken.getExp() - Time.currentTime(), 10);
        return session.singleUseObjects().putIfAbsent(USED_KEY_PREFIX + refreshToken.getId(), lifespan);
    }

    @Override
    public void close() {
        keycloakGrant.close();
    }
}
