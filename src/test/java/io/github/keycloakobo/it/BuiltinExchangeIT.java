package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.BUILTIN;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.PLAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clients without {@code obo.enabled} keep Keycloak's own token exchange, untouched; clients with it are served by
 * the OBO provider only (fail closed), even when Keycloak's standard exchange is switched on for them as well.
 */
class BuiltinExchangeIT extends AbstractOboIT {

    @Test
    void clientWithOnlyStandardTokenExchangeGetsKeycloaksBehaviour() {
        HttpResult r = oauth.exchange(BUILTIN).subject(aliceToken()).audience("inventory-api").send();
        assertEquals(200, r.status(), r::describe);
        assertEquals(OAuth.ACCESS_TOKEN_TYPE, r.field("issued_token_type"));
        Jwt t = Jwt.parse(r.field("access_token"));
        assertEquals("builtin-te", t.azp());
        assertTrue(t.aud().contains("inventory-api"), t::toString);
        assertFalse(t.has("obo_path"), () -> "a built-in exchange got obo_path: " + t);
    }

    @Test
    void standardExchangeStillIgnoresActorTokenAsKeycloakDoes() {
        // Keycloak's standard exchange ignores actor_token; the OBO provider would refuse it. 200 proves the request
        // went to Keycloak's own provider.
        HttpResult r = oauth.exchange(BUILTIN).subject(aliceToken()).audience("inventory-api")
                .param("actor_token", aliceToken()).param("actor_token_type", OAuth.ACCESS_TOKEN_TYPE).send();
        assertEquals(200, r.status(), r::describe);
        assertFalse(Jwt.parse(r.field("access_token")).has("obo_path"));
    }

    @Test
    void standardExchangeKeepsItsOwnAudienceCheck() {
        // Keycloak's answer for an audience the client's tokens cannot carry
        HttpResult r = oauth.exchange(BUILTIN).subject(aliceToken()).audience("orders-api").send();
        assertError(r, 400, "invalid_request", "audience");
    }

    @Test
    void clientWithoutAnyExchangeGetsKeycloaksRefusal() {
        HttpResult r = oauth.exchange(PLAIN).subject(aliceToken()).audience("inventory-api").send();
        // Keycloak 26.7.3's own message
        assertError(r, 400, "invalid_request", "Standard token exchange is not enabled");
    }

    @Test
    void oboClientFailsClosedEvenWithStandardExchangeEnabled() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-api",
                Map.of("standard.token.exchange.enabled", "true"));
        try {
            // what Keycloak's standard exchange would accept (it ignores actor_token) the OBO provider refuses
            assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api")
                    .param("actor_token", aliceToken()).param("actor_token_type", OAuth.ACCESS_TOKEN_TYPE).send(),
                    400, "invalid_request", "On-behalf-of exchange is impersonation only; remove parameter(s): "
                            + "actor_token, actor_token_type");
            // and a refused OBO request does not fall through to it
            assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("reports-api").send(), 400,
                    "invalid_target", "Audience 'reports-api' is not an allowed target of client 'orders-api'");
            Jwt t = assertExchanged(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api").send());
            assertEquals(List.of("orders-api"), t.oboPath());
        } finally {
            admin.setClientAttributes(realmName(), "orders-api", previous);
        }
    }
}
