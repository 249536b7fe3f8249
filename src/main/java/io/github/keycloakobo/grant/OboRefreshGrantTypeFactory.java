package io.github.keycloakobo.grant;

import io.github.keycloakobo.spi.StatelessProviderFactory;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;

/**
 * Takes over {@code grant_type=refresh_token} from Keycloak's refresh grant (same id, higher order) and keeps its
 * shortcut {@code rt}, which is encoded in the {@code jti} of every token that grant issues.
 */
public class OboRefreshGrantTypeFactory
        implements OAuth2GrantTypeFactory, StatelessProviderFactory<OAuth2GrantType> {

    @Override
    public String getId() {
        return OAuth2Constants.REFRESH_TOKEN;
    }

    @Override
    public String getShortcut() {
        return "rt";
    }

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new OboRefreshGrantType();
    }

    @Override
    public int order() {
        return EntraOboGrantTypeFactory.ORDER;
    }
}
