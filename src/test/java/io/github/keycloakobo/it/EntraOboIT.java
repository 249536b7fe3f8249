package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.BILLING;
import static io.github.keycloakobo.it.Clients.INVENTORY;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Microsoft Entra style request: {@code grant_type=jwt-bearer}, {@code requested_token_use=on_behalf_of},
 * {@code assertion}, {@code scope=<target>/.default}; other jwt-bearer requests stay with Keycloak's own grant.
 */
class EntraOboIT extends AbstractOboIT {

    private static Jwt assertIssued(HttpResult r) {
        assertEquals(200, r.status(), r::describe);
        assertTrue(r.has("access_token"), r::describe);
        assertTrue("Bearer".equalsIgnoreCase(r.field("token_type")), r::describe);
        assertFalse(r.has("refresh_token"), r::describe);
        assertFalse(r.has("id_token"), r::describe);
        Jwt t = Jwt.parse(r.field("access_token"));
        assertFalse(t.has("act"));
        assertFalse(t.has("may_act"));
        return t;
    }

    @Test
    void defaultScopeOfTheTargetGivesAnOboToken() {
        Tokens login = alice();
        HttpResult r = oauth.entraOnBehalfOf(ORDERS, login.accessToken()).scope("inventory-api/.default").send();
        Jwt t = assertIssued(r);
        // the answer speaks the request's vocabulary (MSAL caches the token under it); the token keeps Keycloak's
        assertEquals("inventory-api/.default", r.field("scope"), r::describe);
        assertEquals(Set.of("profile", "email"), t.scopes(), t::toString);
        assertAud(t, "inventory-api");
        assertEquals("orders-api", t.azp());
        assertEquals(login.access().sub(), t.sub());
        assertEquals(login.access().sid(), t.sid());
        assertEquals(List.of("orders-api"), t.oboPath());
        assertTrue(t.exp() <= login.access().exp());
        assertActive(oauth.introspect(INVENTORY, r.field("access_token")), true);
    }

    @Test
    void namedScopeOfTheTargetIsGranted() {
        Tokens login = login("alice", "openid inventory:read");
        HttpResult r = oauth.entraOnBehalfOf(ORDERS, login.accessToken()).scope("inventory-api/inventory:read")
                .send();
        Jwt t = assertIssued(r);
        assertAud(t, "inventory-api");
        assertTrue(t.scopes().contains("inventory:read"), t::toString);
        assertEquals("inventory-api/inventory:read", r.field("scope"), r::describe);
    }

    @Test
    void clientSecretPostWorks() {
        Jwt t = assertIssued(oauth.entraOnBehalfOf(ORDERS.asPost(), aliceToken()).scope("inventory-api/.default")
                .send());
        assertAud(t, "inventory-api");
    }

    @Test
    void invalidAssertionIsInvalidGrant() {
        assertError(oauth.entraOnBehalfOf(ORDERS, "not-a-token").scope("inventory-api/.default").send(), 400,
                "invalid_grant", "The subject token is not a well-formed signed JWT");
    }

    @Test
    void assertionNotIssuedForTheRequesterIsInvalidGrant() {
        assertError(oauth.entraOnBehalfOf(BILLING, aliceToken()).scope("inventory-api/.default").send(), 400,
                "invalid_grant", "The subject token was not issued for client 'billing-api'");
    }

    @Test
    void assertionOfAnEndedSessionIsInvalidGrant() {
        Tokens login = alice();
        admin.deleteSession(realmName(), login.access().sid());
        assertError(oauth.entraOnBehalfOf(ORDERS, login.accessToken()).scope("inventory-api/.default").send(), 400,
                "invalid_grant", "The subject token's user session is not active");
    }

    @Test
    void targetNotAllowedIsInvalidTarget() {
        assertError(oauth.entraOnBehalfOf(ORDERS, aliceToken()).scope("reports-api/.default").send(), 400,
                "invalid_target", "'reports-api' is not an allowed target of client 'orders-api'");
    }

    @Test
    void jwtBearerWithoutOnBehalfOfStaysWithKeycloaksOwnGrant() {
        // Keycloak's RFC 7523 JWT authorization grant answers for a client that is not set up for it
        HttpResult r = oauth.token(ORDERS, Form.of("grant_type", OAuth.JWT_BEARER, "assertion", aliceToken()));
        assertError(r, 400, ItConfig.plainJwtBearerError(), ItConfig.plainJwtBearerDescription());
    }
}
