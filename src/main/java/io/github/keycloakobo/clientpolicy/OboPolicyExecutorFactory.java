package io.github.keycloakobo.clientpolicy;

import io.github.keycloakobo.spi.StatelessProviderFactory;
import java.util.List;

import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/**
 * Registers the {@code obo-policy} executor (Realm settings &gt; Client policies &gt; Profiles).
 *
 * <p>The admin console passes each property's label and help text through its message bundle (i18next
 * {@code t(...)}), so they are message keys here, translated in {@code theme-resources/messages/messages_*.properties}.
 * The executor's own help text ({@link #getHelpText()}) is shown as is, in English.
 */
public class OboPolicyExecutorFactory implements ClientPolicyExecutorProviderFactory,
        StatelessProviderFactory<ClientPolicyExecutorProvider> {

    public static final String PROVIDER_ID = "obo-policy";

    private static final List<ProviderConfigProperty> PROPERTIES = List.of(
            new ProviderConfigProperty(OboPolicyConfiguration.MAX_HOPS, "oboPolicyMaxHops", "oboPolicyMaxHopsHelp",
                    ProviderConfigProperty.INTEGER_TYPE, null),
            new ProviderConfigProperty(OboPolicyConfiguration.MAX_TOKEN_LIFETIME, "oboPolicyMaxTokenLifetime",
                    "oboPolicyMaxTokenLifetimeHelp", ProviderConfigProperty.INTEGER_TYPE, null),
            new ProviderConfigProperty(OboPolicyConfiguration.DENIED_AUDIENCES, "oboPolicyDeniedAudiences",
                    "oboPolicyDeniedAudiencesHelp", ProviderConfigProperty.MULTIVALUED_STRING_TYPE,
                    OboPolicyConfiguration.DEFAULT_DENIED_AUDIENCES),
            new ProviderConfigProperty(OboPolicyConfiguration.ALLOWED_SCOPES, "oboPolicyAllowedScopes",
                    "oboPolicyAllowedScopesHelp", ProviderConfigProperty.MULTIVALUED_STRING_TYPE, null));

    @Override
    public ClientPolicyExecutorProvider create(KeycloakSession session) {
        return new OboPolicyExecutor(session);
    }


    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Realm-wide ceilings for on-behalf-of token exchange (keycloak-obo): a maximum hop count, a maximum "
                + "token lifetime, audiences no client may obtain tokens for, and the scopes exchanged tokens may "
                + "carry. Applies on token exchange requests by clients with obo.enabled; other clients are not "
                + "affected.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }
}
