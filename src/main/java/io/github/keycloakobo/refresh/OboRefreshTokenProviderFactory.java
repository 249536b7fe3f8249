package io.github.keycloakobo.refresh;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProviderFactory;

/** Registers {@link OboRefreshTokenProvider} ahead of Keycloak's default refresh-token provider. */
public class OboRefreshTokenProviderFactory implements RefreshTokenProviderFactory {

    public static final String ID = "obo";

    @Override
    public RefreshTokenProvider create(KeycloakSession session) {
        return new OboRefreshTokenProvider(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
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
