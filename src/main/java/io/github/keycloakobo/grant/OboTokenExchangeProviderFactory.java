package io.github.keycloakobo.grant;

import java.util.List;

import io.github.keycloakobo.compat.KeycloakApi;
import io.github.keycloakobo.metrics.MetricsSettings;
import io.github.keycloakobo.metrics.OboMetrics;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Registers {@link OboTokenExchangeProvider} ahead of Keycloak's standard (order 10) and legacy (0) providers, and
 * holds the options of the OBO metrics ({@code --spi-oauth2-token-exchange--obo--metrics-*}, see
 * {@link MetricsSettings}), which every request form uses.
 */
public class OboTokenExchangeProviderFactory implements TokenExchangeProviderFactory {

    public static final String ID = "obo";
    public static final int ORDER = 100;

    private static final OboTokenExchangeProvider INSTANCE = new OboTokenExchangeProvider();

    @Override
    public TokenExchangeProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public void init(Config.Scope config) {
        OboMetrics.start(MetricsSettings.from(config));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return MetricsSettings.metadata();
    }

    @Override
    public void close() {
        OboMetrics.uninstall();
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
