package io.github.keycloakobo.grant;

import io.github.keycloakobo.spi.StatelessProviderFactory;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;

/**
 * Takes over {@code urn:ietf:params:oauth:grant-type:jwt-bearer} from Keycloak's JWT authorization grant (same id,
 * higher order) and keeps its shortcut {@code ag}, which is encoded in the {@code jti} of every token that grant
 * already issued.
 */
public class EntraOboGrantTypeFactory
        implements OAuth2GrantTypeFactory, StatelessProviderFactory<OAuth2GrantType> {

    public static final int ORDER = 100;

    @Override
    public String getId() {
        return OAuth2Constants.JWT_AUTHORIZATION_GRANT;
    }

    @Override
    public String getShortcut() {
        return "ag";
    }

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new EntraOboGrantType(session);
    }


    @Override
    public int order() {
        return ORDER;
    }
}
