package io.github.keycloakobo.refresh;

import java.util.List;
import java.util.Map;

import io.github.keycloakobo.grant.OboClaims;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.refresh.DefaultRefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.InitialRefreshTokenContext;
import org.keycloak.protocol.oidc.refresh.RefreshTokenContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.RefreshToken;

/**
 * Refresh tokens obtained by OBO exchange. Keycloak's own refresh recomputes the audience from mappers and so
 * widens it; this provider records the exchanged token's exact {@code aud}, {@code scope} and {@code obo_path} in
 * the refresh token and puts them back on every token refreshed from it.
 */
public class OboRefreshTokenProvider extends DefaultRefreshTokenProvider {

    public OboRefreshTokenProvider(KeycloakSession session) {
        super(session);
    }

    @Override
    public boolean supports(InitialRefreshTokenContext context) {
        return OboClaims.isExchanged(context.responseBuilder().getAccessToken());
    }

    @Override
    public RefreshToken generateRefreshToken(InitialRefreshTokenContext context) {
        RefreshToken refreshToken = super.generateRefreshToken(context);
        AccessToken exchanged = context.responseBuilder().getAccessToken();
        Map<String, Object> claims = refreshToken.getOtherClaims();
        claims.put(OboClaims.OBO_PATH, exchanged.getOtherClaims().get(OboClaims.OBO_PATH));
        claims.put(OboClaims.OBO_AUDIENCE, List.of(exchanged.getAudience()));
        claims.put(OboClaims.OBO_SCOPE, exchanged.getScope());
        if (exchanged.getExp() != null && exchanged.getIat() != null) {
            claims.put(OboClaims.OBO_LIFETIME, exchanged.getExp() - exchanged.getIat());
        }
        return refreshToken;
    }

    @Override
    public boolean supports(RefreshTokenContext context) {
        return super.supports(context) && context.oldRefreshToken().getOtherClaims().containsKey(OboClaims.OBO_PATH);
    }

    @Override
    public TokenManager.AccessTokenResponseBuilder refreshAccessToken(RefreshTokenContext context)
            throws OAuthErrorException {
        RefreshToken old = context.oldRefreshToken();
        Map<String, Object> recorded = old.getOtherClaims();
        Object audience = recorded.get(OboClaims.OBO_AUDIENCE);
        Object path = recorded.get(OboClaims.OBO_PATH);
        Object scope = recorded.get(OboClaims.OBO_SCOPE);
        Object lifetime = recorded.get(OboClaims.OBO_LIFETIME);
        if (!(audience instanceof List<?> audiences) || !(path instanceof List<?>)) {
            throw new OAuthErrorException(OAuthErrorException.INVALID_GRANT, "Malformed on-behalf-of refresh token");
        }

        TokenManager.AccessTokenResponseBuilder builder = super.refreshAccessToken(context);
        AccessToken token = builder.getAccessToken();
        List<String> exact = audiences.stream().map(String::valueOf).toList();
        token.audience(exact.toArray(String[]::new));
        if (token.getResourceAccess() != null) {
            token.getResourceAccess().keySet().retainAll(exact);
        }
        token.setScope(scope == null ? null : String.valueOf(scope));
        token.getOtherClaims().remove("act");
        token.getOtherClaims().remove("may_act");
        token.getOtherClaims().put(OboClaims.OBO_PATH, path);
        if (lifetime instanceof Number seconds && token.getIat() != null
                && (token.getExp() == null || token.getExp() > token.getIat() + seconds.longValue())) {
            token.exp(token.getIat() + seconds.longValue());
        }
        if (builder.getRefreshToken() != null) {
            Map<String, Object> renewed = builder.getRefreshToken().getOtherClaims();
            renewed.put(OboClaims.OBO_PATH, path);
            renewed.put(OboClaims.OBO_AUDIENCE, exact);
            renewed.put(OboClaims.OBO_SCOPE, scope);
            if (lifetime != null) {
                renewed.put(OboClaims.OBO_LIFETIME, lifetime);
            }
        }
        return builder;
    }
}
