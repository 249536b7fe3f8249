package io.github.keycloakobo.grant;

import java.util.Set;

import jakarta.ws.rs.core.Response;

import io.github.keycloakobo.compat.KeycloakApi;
import io.github.keycloakobo.policy.OAuthError;
import io.github.keycloakobo.policy.OboDeniedException;
import io.github.keycloakobo.policy.RecordedGrant;
import io.github.keycloakobo.policy.RequestForm;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.protocol.oidc.grants.RefreshTokenGrantType;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.util.TokenUtil;

/**
 * {@code grant_type=refresh_token}: a refresh token that an OBO exchange issued (it carries a {@link RecordedGrant})
 * is refreshed by a fresh OBO decision on the recorded facts and issued by the same code as the exchange; every other
 * refresh token goes unchanged to Keycloak's own refresh grant.
 */
public class OboRefreshGrantType extends OAuth2GrantTypeBase {

    /** Session attribute that tells the realm's {@code obo-policy} executor that this refresh is an OBO one. */
    public static final String OBO_REFRESH_ATTRIBUTE = "obo.refresh";

    /** A refresh token claim of builds before 1.0.0, whose refreshes were not re-decided: such tokens are refused. */
    private static final String LEGACY_PATH_CLAIM = OboClaims.OBO_PATH;

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
        RefreshToken signed = encoded == null ? null : context.getSession().tokens().decode(encoded, RefreshToken.class);
        if (signed == null || !isOnBehalfOf(signed)) {
            return keycloakGrant.process(context);
        }
        setContext(context);
        event.client(client);
        ExchangeCall call = new ExchangeCall(session, realm, client, event, cors, tokenManager, clientAuthAttributes, null);
        return OnBehalfOfExchange.guarded(call, RequestForm.REFRESH, () -> {
            session.setAttribute(OBO_REFRESH_ATTRIBUTE, Boolean.TRUE);
            OnBehalfOfExchange.triggerClientPolicies(session, event, cors,
                    KeycloakApi.get().refreshPolicyContext(formParams, client, getRequestedScopes()));
            RefreshToken refreshToken = verified(encoded);
            RecordedGrant grant = RecordedGrant.fromClaim(refreshToken.getOtherClaims().get(RecordedGrant.CLAIM))
                    .orElseThrow(() -> refused("refresh_token_outdated", "The refresh token was issued by an earlier "
                            + "version of the on-behalf-of extension; exchange the user's token again"));
            if (!grant.requester().equals(client.getClientId())) {
                throw refused("refresh_token_client_mismatch", "The refresh token was not issued to this client");
            }
            UserSessionModel userSession = session.sessions().getUserSession(realm, refreshToken.getSessionId());
            if (!AuthenticationManager.isSessionValid(realm, userSession)) {
                throw refused("session_inactive", "The user session of the refresh token is not active "
                        + "(logged out or expired)");
            }
            UserModel user = userSession.getUser();
            if (!TokenManager.isUserValid(session, realm, refreshToken, user)) {
                throw refused("user_invalid", "The user of the refresh token is disabled or no longer exists");
            }
            ClientModel issuedFor = realm.getClientByClientId(grant.subjectIssuedFor());
            if (issuedFor == null || !issuedFor.isEnabled()) {
                throw refused("issuing_client_invalid", "The client the user's token was issued to ('"
                        + grant.subjectIssuedFor() + "') is unknown or disabled");
            }
            event.session(userSession.getId());
            event.detail(Details.REFRESH_TOKEN_ID, refreshToken.getId());
            event.detail(Details.REFRESH_TOKEN_TYPE, refreshToken.getType());
            OboSubject subject = new OboSubject(user, userSession, issuedFor,
                    grant.subject(refreshToken.getId(), refreshToken.getExp()));
            return OnBehalfOfExchange.decideAndIssue(call, grant.refreshRequest(), subject);
        });
    }

    private static boolean isOnBehalfOf(RefreshToken token) {
        return token.getOtherClaims().containsKey(RecordedGrant.CLAIM)
                || token.getOtherClaims().containsKey(LEGACY_PATH_CLAIM);
    }

    /** Keycloak's own checks of a refresh token: signature, issuer, type, expiry, not-before, client, binding. */
    private RefreshToken verified(String encoded) {
        RefreshToken token;
        try {
            token = tokenManager.verifyRefreshToken(session, realm, client, request, encoded, true);
        } catch (OAuthErrorException e) {
            throw refused("refresh_token_invalid", e.getDescription() == null ? "Invalid refresh token"
                    : e.getDescription());
        }
        if (!TokenUtil.TOKEN_TYPE_REFRESH.equals(token.getType())) {
            throw refused("refresh_token_invalid", "An on-behalf-of refresh token is never an offline token");
        }
        return token;
    }

    private static OboDeniedException refused(String reason, String description) {
        return new OboDeniedException(OAuthError.INVALID_GRANT, reason, description);
    }

    @Override
    public void close() {
        keycloakGrant.close();
    }
}
