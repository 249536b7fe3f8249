package io.github.keycloakobo.grant;

import java.util.Map;
import java.util.Set;

import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.services.Urls;
import org.keycloak.services.cors.Cors;

/**
 * The Keycloak side of one token-endpoint request, whichever grant type carried it: what the OBO core needs of
 * Keycloak to verify, decide, issue and audit.
 *
 * @param restrictedScopes scopes another component (a client policy) already limited the exchange to, or null
 */
record TokenRequestContext(KeycloakSession session, RealmModel realm, ClientModel client, EventBuilder event,
                           Cors cors, TokenManager tokenManager, Map<String, String> clientAuthAttributes,
                           Set<String> restrictedScopes) {

    /** The same call with the scopes a client policy limited the exchange to. */
    TokenRequestContext withRestrictedScopes(Set<String> scopes) {
        return new TokenRequestContext(session, realm, client, event, cors, tokenManager, clientAuthAttributes, scopes);
    }

    /** This realm's issuer as the request names it (the {@code iss} of tokens it issues). */
    String issuer() {
        return Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
    }
}
