package io.github.keycloakobo.refresh;

import io.github.keycloakobo.spi.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProviderFactory;

/** Registers {@link OboRefreshTokenProvider} ahead of Keycloak's default refresh-token provider. */
public class OboRefreshTokenProviderFactory
        implements RefreshTokenProviderFactory, StatelessProviderFactory<RefreshTokenProvider> {

    public static final String ID = "obo";

    @Override
    public RefreshTokenProvider create(KeycloakSession session) {
        return new OboRefreshTokenProvider(session);
    }


    @Override
    public String getId() {
        return ID;
    }

    @Override
    public int order() {
        return 100;
    }
}
