package io.github.keycloakobo.grant;

import io.github.keycloakobo.spi.StatelessProviderFactory;
import io.github.keycloakobo.compat.KeycloakApi;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;

/** Registers {@link OboTokenExchangeProvider} ahead of Keycloak's standard (order 10) and legacy (0) providers. */
public class OboTokenExchangeProviderFactory
        implements TokenExchangeProviderFactory, StatelessProviderFactory<TokenExchangeProvider> {

    public static final String ID = "obo";
    public static final int ORDER = 100;

    private static final OboTokenExchangeProvider INSTANCE = new OboTokenExchangeProvider();

    @Override
    public TokenExchangeProvider create(KeycloakSession session) {
        return INSTANCE;
    }


    @Override
    public void postInit(KeycloakSessionFactory factory) {
        KeycloakApi.announce();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public int order() {
        return ORDER;
    }
}
