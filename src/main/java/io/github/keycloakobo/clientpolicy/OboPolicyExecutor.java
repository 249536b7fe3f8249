package io.github.keycloakobo.clientpolicy;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import io.github.keycloakobo.policy.OboClientAttributes;
import io.github.keycloakobo.policy.RealmCeilings;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.TokenExchangeRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * The {@code obo-policy} client-policy executor: on {@code TOKEN_EXCHANGE_REQUEST} by an OBO client it hands its
 * realm ceilings to the exchange (a session attribute, combined with those of other such executors by
 * {@link RealmCeilings#and}); the exchange then enforces them inside its decision. Other events and clients without
 * {@code obo.enabled} are left alone, so Keycloak's own token exchange keeps its behaviour.
 */
public class OboPolicyExecutor implements ClientPolicyExecutorProvider<OboPolicyExecutor.Configuration> {

    /**
     * The session attribute the exchange core reads ({@code OboExchangeCore.REALM_CEILINGS_ATTRIBUTE}; a unit test
     * keeps both names equal).
     */
    public static final String REALM_CEILINGS_ATTRIBUTE = "obo.realm-ceilings";

    private static final Logger LOG = Logger.getLogger(OboPolicyExecutor.class);

    private final KeycloakSession session;
    private Map<String, Object> rawConfiguration = Map.of();
    private OboPolicyConfiguration configuration = OboPolicyConfiguration.parse(null);

    public OboPolicyExecutor(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Keycloak's JSON view of the executor's configuration. Every key lands in the generic map; validation runs when a
     * profile is saved (or imported), so that a bad value is refused with a precise message and HTTP 400.
     */
    public static class Configuration extends ClientPolicyExecutorConfigurationRepresentation {

        /**
         * Called by Keycloak when client profiles are saved or imported (not on requests). Keycloak would answer a
         * plain {@code false} with a generic message; this throws the precise one instead (admin API: HTTP 400,
         * {@code {"errorMessage": ...}}), and nothing is stored.
         */
        @Override
        public boolean validateConfig() {
            OboPolicyConfiguration parsed = OboPolicyConfiguration.parse(getConfigAsMap());
            if (!parsed.valid()) {
                throw ErrorResponse.error(parsed.describeProblems(), Response.Status.BAD_REQUEST);
            }
            return true;
        }
    }

    @Override
    public Class<Configuration> getExecutorConfigurationClass() {
        return Configuration.class;
    }

    @Override
    public void setupConfiguration(Configuration config) {
        // never throws: a configuration stored by other means is reported when it is used
        rawConfiguration = config == null || config.getConfigAsMap() == null ? Map.of() : config.getConfigAsMap();
        configuration = OboPolicyConfiguration.parse(rawConfiguration);
    }

    @Override
    public String getProviderId() {
        return OboPolicyExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        ClientModel client = oboClient(context);
        if (client == null) {
            return;
        }
        RealmModel realm = session.getContext().getRealm();
        Optional<String> origin = realm == null ? Optional.empty() : PolicyOrigins.of(realm, rawConfiguration);
        if (!configuration.valid()) {
            LOG.warnf("Realm '%s': refusing on-behalf-of exchange by client '%s'. %s (%s)",
                    realm == null ? "?" : realm.getName(),
                    client.getClientId(), configuration.describeProblems(), origin.orElse("unnamed policy"));
            throw new ClientPolicyException(OAuthErrorException.UNAUTHORIZED_CLIENT, "The on-behalf-of ceilings of "
                    + origin.orElse("the realm's obo-policy") + " are misconfigured");
        }
        RealmCeilings existing = session.getAttribute(REALM_CEILINGS_ATTRIBUTE, RealmCeilings.class);
        RealmCeilings mine = RealmCeilings.of(configuration.ceiling(origin));
        session.setAttribute(REALM_CEILINGS_ATTRIBUTE, existing == null ? mine : existing.and(mine));
    }

    /**
     * The requesting client of an OBO exchange (the refresh of an OBO refresh token raises the same event, as does the
     * Entra form); null for every other event and client.
     */
    private static ClientModel oboClient(ClientPolicyContext context) {
        if (context.getEvent() != ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST
                || !(context instanceof TokenExchangeRequestContext exchange)) {
            return null;
        }
        ClientModel client = exchange.getTokenExchangeContext().getClient();
        return client != null && OboClientAttributes.claimsExchange(client::getAttribute) ? client : null;
    }
}
