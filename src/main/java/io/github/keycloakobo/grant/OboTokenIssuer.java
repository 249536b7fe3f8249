package io.github.keycloakobo.grant;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.keycloakobo.compat.KeycloakApi;
import io.github.keycloakobo.policy.Decision;
import io.github.keycloakobo.policy.OAuthError;
import io.github.keycloakobo.policy.OboDeniedException;
import io.github.keycloakobo.policy.RecordedGrant;
import io.github.keycloakobo.policy.TokenTypes;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.util.UserSessionUtil;

/**
 * Issues OBO tokens, for an exchange and for every refresh, through Keycloak's {@link TokenManager}, so protocol
 * mappers, lightweight tokens and token-context encoding behave as for any other grant; then gives the token the
 * decision's exact audience, lifetime and path.
 *
 * <p>Nothing is stored and no session is written to: like Keycloak's own exchange it hangs a transient client session
 * on a transient copy of the user's session (same id, so {@code sid} is kept and logout ends the chain), and unlike
 * it, creates no authentication session. A refresh token carries the {@link RecordedGrant} of the decision instead of
 * state in the session, so the source client's own client session stays exactly as it was.
 */
final class OboTokenIssuer {

    static final String ISSUED_TOKEN_TYPE = "issued_token_type";

    private OboTokenIssuer() {
    }

    static AccessTokenResponse issue(TokenRequestContext call, OboSubject subject, Decision.Allow allow,
                                     List<ClientModel> targets) {
        KeycloakSession session = call.session();
        RealmModel realm = call.realm();
        ClientModel client = call.client();

        if (!KeycloakApi.get().consentStillAvailable(session, subject.user(), client, allow.scopeParameter())) {
            throw new OboDeniedException(OAuthError.INVALID_SCOPE, "consent_missing",
                    "The user has not consented to the scopes of client '" + client.getClientId() + "'");
        }
        UserSessionModel userSession = UserSessionUtil.createTransientUserSession(session, subject.userSession());
        // A transient copy made just now has no client sessions: create one on it (stored nowhere)
        AuthenticatedClientSessionModel clientSession = session.sessions().createClientSession(realm, client, userSession);
        clientSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        clientSession.setTimestamp(Time.currentTime());
        clientSession.setNote(OIDCLoginProtocol.ISSUER, call.issuer());
        clientSession.setNote(OIDCLoginProtocol.SCOPE_PARAM, allow.scopeParameter());
        String loa = levelOfAuthentication(subject);
        if (loa != null) {
            clientSession.setNote(Constants.LEVEL_OF_AUTHENTICATION, loa);
        }

        Set<String> restricted = new HashSet<>(allow.restrictedScopes());
        if (call.restrictedScopes() != null) {
            restricted.retainAll(call.restrictedScopes());
        }
        // Filter here rather than through Keycloak's restricted-scopes argument: that one matches by name and so
        // would also drop the client itself, i.e. its own role scope mappings (fullScopeAllowed=false).
        Set<ClientScopeModel> clientScopes = TokenManager.getRequestedClientScopes(session,
                        allow.scopeParameter().isEmpty() ? null : allow.scopeParameter(), client, subject.user())
                .filter(scope -> scope instanceof ClientModel || restricted.contains(scope.getName()))
                .collect(Collectors.toSet());
        ClientSessionContext context = KeycloakApi.get().clientSessionContext(clientSession, clientScopes, session);
        context.setAttribute(Constants.REQUESTED_AUDIENCE_CLIENTS, targets.toArray(ClientModel[]::new));
        context.setAttribute(Constants.GRANT_TYPE, OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE);
        // Never an offline token (the decision keeps offline_access out of the scopes); answering here also spares
        // isOfflineTokenRequested() its scan of every client scope of the realm on every exchange
        context.setAttribute(OAuth2Constants.OFFLINE_ACCESS, false);

        TokenManager.AccessTokenResponseBuilder builder = call.tokenManager()
                .responseBuilder(realm, client, call.event(), session, userSession, context)
                .generateAccessToken();
        narrow(builder.getAccessToken(), allow);
        if (allow.refreshToken()) {
            builder.generateRefreshToken();
            RefreshToken refreshToken = builder.getRefreshToken();
            long sessionEnd = (long) subject.userSession().getStarted() + realm.getSsoSessionMaxLifespan();
            if (realm.getSsoSessionMaxLifespan() > 0 && (refreshToken.getExp() == null || refreshToken.getExp() == 0
                    || refreshToken.getExp() > sessionEnd)) {
                refreshToken.exp(sessionEnd);
            }
            refreshToken.getOtherClaims().put(RecordedGrant.CLAIM,
                    RecordedGrant.of(allow, subject.facts(), subject.clientSessionBound(), client.getId()).toClaim());
        }

        AccessTokenResponse response = builder.build();
        response.setIdToken(null);
        response.setOtherClaims(ISSUED_TOKEN_TYPE, allow.refreshToken() ? TokenTypes.REFRESH_TOKEN : TokenTypes.ACCESS_TOKEN);
        return response;
    }

    /** The exact audience, the decided lifetime, the exchange path, and no delegation claims. */
    static void narrow(AccessToken token, Decision.Allow allow) {
        token.audience(allow.audiences().toArray(String[]::new));
        if (token.getResourceAccess() != null) {
            token.getResourceAccess().keySet().retainAll(allow.audiences());
        }
        token.exp(allow.notAfter());
        token.getOtherClaims().remove("act");
        token.getOtherClaims().remove("may_act");
        token.getOtherClaims().put(OboClaims.OBO_PATH, allow.oboPath());
    }

    private static String levelOfAuthentication(OboSubject subject) {
        AuthenticatedClientSessionModel origin =
                subject.userSession().getAuthenticatedClientSessionByClient(subject.issuedFor().getId());
        return origin == null ? null : origin.getNote(Constants.LEVEL_OF_AUTHENTICATION);
    }
}
