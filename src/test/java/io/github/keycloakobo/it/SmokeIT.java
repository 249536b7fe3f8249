package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The harness itself: the server runs, the test realm is importable and behaves as the other tests assume. */
class SmokeIT extends AbstractOboIT {

    @Test
    void serverIsReady() {
        KeycloakRuntime kc = realm.keycloak();
        kc.managementUrl().ifPresent(m -> {
            HttpResult r = Http.get(m + "/health/ready", null);
            assertEquals(200, r.status(), r::describe);
        });
        assertTrue(kc.baseUrl().startsWith("http://"), kc::describe);
    }

    @Test
    void realmPublishesDiscoveryDocument() {
        HttpResult r = Http.get(oauth.discoveryUrl(), null);
        assertEquals(200, r.status(), r::describe);
        assertEquals(oauth.issuer(), r.field("issuer"));
        assertEquals(oauth.tokenEndpoint(), r.field("token_endpoint"));
        assertEquals(oauth.introspectionEndpoint(), r.field("introspection_endpoint"));
        assertTrue(Json.strings(r.json().get("grant_types_supported")).contains(OAuth.TOKEN_EXCHANGE),
                r::describe);
    }

    @Test
    void webAppTokensAreForTheSourceApi() {
        Tokens t = login("alice", "openid inventory:read");
        Jwt at = t.access();
        assertEquals("web-app", at.azp());
        assertEquals("Bearer", at.typ());
        assertTrue(at.aud().contains("orders-api"), at::toString);
        assertTrue(at.scopes().contains("inventory:read"), at::toString);
        assertTrue(at.has("sid"), at::toString);
        assertEquals(Set.of("stock.read"), at.clientRoles("inventory-api"), at::toString);
        assertEquals(oauth.issuer(), at.string("iss"));
    }
}
