package io.github.keycloakobo.grant;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.keycloakobo.policy.OAuthError;
import io.github.keycloakobo.policy.OboDeniedException;
import io.github.keycloakobo.policy.SubjectFacts;
import io.github.keycloakobo.policy.SpaceSeparated;
import org.keycloak.OAuth2Constants;
import org.keycloak.TokenVerifier;
import org.keycloak.common.VerificationException;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.encode.AccessTokenContext;
import org.keycloak.protocol.oidc.encode.TokenContextEncoderProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.util.UserSessionUtil;
import org.keycloak.util.TokenUtil;

/**
 * Verifies a subject token completely (signature, issuer, type, lifetime, revocation, session, user) and says
 * precisely why one is refused. Keycloak's {@code AuthenticationManager.verifyIdentityToken} does the same checks
 * but only answers "invalid".
 */
final class SubjectTokenVerifier {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String issuer;
    private final OAuthError error;

    SubjectTokenVerifier(KeycloakSession session, RealmModel realm, String issuer, OAuthError error) {
        this.session = session;
        this.realm = realm;
        this.issuer = issuer;
        this.error = error;
    }

    OboSubject verify(String encoded) {
        TokenVerifier<AccessToken> verifier = TokenVerifier.create(encoded, AccessToken.class);
        AccessToken token;
        String algorithm;
        String kid;
        try {
            token = verifier.getToken();
            algorithm = verifier.getHeader().getRawAlgorithm();
            kid = verifier.getHeader().getKeyId();
        } catch (VerificationException | RuntimeException e) {
            throw refused("malformed", "The subject token is not a well-formed signed JWT");
        }
        if (token == null) {
            throw refused("malformed", "The subject token is not a well-formed signed JWT");
        }
        if (!issuer.equals(token.getIssuer())) {
            throw refused("wrong_issuer", "The subject token was not issued by this realm");
        }
        // a DPoP-bound access token is an access token too: the decision refuses it as sender-constrained
        if (!TokenUtil.TOKEN_TYPE_BEARER.equalsIgnoreCase(token.getType())
                && !TokenUtil.TOKEN_TYPE_DPOP.equalsIgnoreCase(token.getType())) {
            throw refused("not_access_token", "The subject token is not an access token (typ "
                    + (token.getType() == null ? "missing" : "'" + token.getType() + "'") + ")");
        }
        SignatureProvider signature = algorithm == null || "none".equalsIgnoreCase(algorithm)
                ? null : session.getProvider(SignatureProvider.class, algorithm);
        if (signature == null) {
            throw refused("bad_signature", "The subject token's signature algorithm is not accepted");
        }
        try {
            verifier.verifierContext(signature.verifier(kid));
            verifier.verifySignature();
        } catch (VerificationException | RuntimeException e) {
            throw refused("bad_signature", "The subject token's signature is invalid");
        }
        if (token.getExp() == null || token.getExp() <= 0) {
            throw refused("no_expiry", "The subject token has no expiry (exp)");
        }
        if (token.isExpired()) {
            throw refused("expired", "The subject token has expired");
        }
        if (!token.isNotBefore(0) || (token.getIat() != null && token.getIat() > Time.currentTime() + 10)) {
            throw refused("not_yet_valid", "The subject token is not yet valid");
        }
        if (token.getIat() == null) {
            // nothing to compare with the realm's and the client's not-before revocations
            throw refused("no_issued_at", "The subject token has no issue time (iat)");
        }
        if (token.getIat() < realm.getNotBefore()
                || (token.getId() != null && !new TokenManager.TokenRevocationCheck(session).test(token))) {
            throw refused("revoked", "The subject token has been revoked");
        }
        if (token.getAudience() != null && Arrays.asList(token.getAudience()).contains(null)) {
            // what Keycloak's reader leaves of an aud that is an object or holds null
            throw refused("malformed", "The subject token's aud claim is malformed");
        }
        if (token.getSubject() == null && token.getPreferredUsername() == null) {
            throw refused("no_user", "The subject token has no user");
        }
        ClientModel issuedFor = token.getIssuedFor() == null ? null : realm.getClientByClientId(token.getIssuedFor());
        if (issuedFor == null || !issuedFor.isEnabled() || token.getIat() < issuedFor.getNotBefore()) {
            throw refused("issuing_client_invalid", "The client the subject token was issued to is unknown or disabled");
        }

        AccessTokenContext context = tokenContext(token);
        AccessTokenContext.SessionType sessionType = context.getSessionType();
        UserSessionModel userSession = userSession(token, sessionType, issuedFor);
        UserModel user = userSession.getUser();
        if (user != null && user.getServiceAccountClientLink() != null) {
            throw refused("no_user", "The subject token belongs to a service account (client credentials), not a user");
        }
        if (!TokenManager.isUserValid(session, realm, token, user)) {
            throw refused("user_invalid", "The subject token's user is disabled or no longer exists");
        }
        return new OboSubject(user, userSession, issuedFor, facts(token, context),
                !sessionType.isAllowTransientClientSession());
    }

    /**
     * The subject token's stored user session. A token without one ({@code sid}) is refused: its chain could not be
     * ended by a logout. A token that a token exchange issued on a transient client session is checked against the
     * user session itself, looked up without creating anything (Keycloak's own lookup for such tokens attaches a new
     * authentication session, a cluster-replicated write, on every call); every other token through Keycloak's own
     * check, which also requires its client session.
     */
    private UserSessionModel userSession(AccessToken token, AccessTokenContext.SessionType type, ClientModel issuedFor) {
        if (token.getSessionId() == null) {
            throw refused("no_session", "The subject token has no user session (sid): on-behalf-of exchange needs "
                    + "one, so that logging the user out ends the chain");
        }
        UserSessionModel userSession;
        if (type.isAllowTransientClientSession()) {
            userSession = type.isAllowLookupOnlineUserSession()
                    ? session.sessions().getUserSession(realm, token.getSessionId())
                    : session.sessions().getOfflineUserSession(realm, token.getSessionId());
            if (!AuthenticationManager.isSessionValid(realm, userSession)
                    || token.isIssuedBeforeSessionStart(userSession.getStarted())
                    || (token.getSubject() != null && !userSession.getUser().getId().equals(token.getSubject()))) {
                userSession = null;
            }
        } else {
            UserSessionUtil.UserSessionValidationResult check =
                    UserSessionUtil.findValidSessionForAccessToken(session, realm, token, issuedFor, invalid -> { });
            userSession = check.getError() == null ? check.getUserSession() : null;
        }
        if (userSession == null) {
            throw refused("session_inactive", "The subject token's user session is not active (logged out or expired)");
        }
        return userSession;
    }

    /** How Keycloak minted the token (its id encodes the session type and the grant). */
    private AccessTokenContext tokenContext(AccessToken token) {
        if (token.getId() == null) {
            throw refused("malformed", "The subject token has no id (jti)");
        }
        try {
            return session.getProvider(TokenContextEncoderProvider.class).getTokenContextFromTokenId(token.getId());
        } catch (IllegalArgumentException e) {
            throw refused("malformed", "The subject token's id (jti) is not one this realm issues");
        }
    }

    private SubjectFacts facts(AccessToken token, AccessTokenContext context) {
        Map<String, Object> other = token.getOtherClaims();
        boolean delegation = other.containsKey("act") || other.containsKey("may_act");
        String[] audience = token.getAudience();
        Set<String> aud = audience == null ? Set.of() : new HashSet<>(Arrays.asList(audience));
        // Keycloak encodes the grant that minted an access token in its id; any token exchange is one hop at least
        boolean mintedByExchange = OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE.equals(context.getGrantType());
        return new SubjectFacts(token.getId(), token.getIssuedFor(), aud, SpaceSeparated.split(token.getScope()),
                oboPath(other.get(OboClaims.OBO_PATH)), delegation,
                token.getConfirmation() != null || TokenUtil.TOKEN_TYPE_DPOP.equalsIgnoreCase(token.getType()),
                token.getExp(), mintedByExchange);
    }

    private List<String> oboPath(Object claim) {
        if (claim == null) {
            return List.of();
        }
        if (claim instanceof List<?> list && list.stream().allMatch(e -> e instanceof String s && !s.isBlank())) {
            @SuppressWarnings("unchecked")
            List<String> path = (List<String>) list;
            return List.copyOf(path);
        }
        throw refused("malformed_obo_path", "The subject token's obo_path claim is malformed");
    }

    private OboDeniedException refused(String reason, String description) {
        return new OboDeniedException(error, "subject_token_" + reason, description);
    }
}
