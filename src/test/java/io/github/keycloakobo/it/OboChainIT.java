package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import static io.github.keycloakobo.it.Clients.BILLING;
import static io.github.keycloakobo.it.Clients.INVENTORY;
import static io.github.keycloakobo.it.Clients.LOOP_A;
import static io.github.keycloakobo.it.Clients.LOOP_B;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.SHIPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exchange chains: obo_path, hop limits, loops, and the session tying a chain together. */
class OboChainIT extends AbstractOboIT {

    @Test
    void twoHopChainKeepsUserAndSessionAndRecordsThePath() {
        Tokens login = alice();
        Jwt subject = login.access();

        // orders-api -> shipping-api (orders-api asks for audience shipping-api, so the token is for B)
        HttpResult first = oauth.exchange(ORDERS).subject(login.accessToken()).audience("shipping-api").send();
        Jwt hop1 = assertExchanged(first);
        assertAud(hop1, "shipping-api");
        assertEquals(List.of("orders-api"), hop1.oboPath());

        // shipping-api (obo.max-hops 2) -> inventory-api
        HttpResult second = oauth.exchange(SHIPPING).subject(first.field("access_token")).audience("inventory-api")
                .send();
        Jwt hop2 = assertExchanged(second);
        assertAud(hop2, "inventory-api");
        assertEquals("shipping-api", hop2.azp());
        assertEquals(List.of("orders-api", "shipping-api"), hop2.oboPath());
        assertEquals(subject.sub(), hop2.sub());
        assertEquals(subject.sid(), hop2.sid());
        assertTrue(hop2.exp() <= hop1.exp(), "exp never grows along the chain");
        assertTrue(hop1.exp() <= subject.exp());
        assertEquals(java.util.Set.of("stock.read"), hop2.clientRoles("inventory-api"));
        assertActive(oauth.introspect(INVENTORY, second.field("access_token")), true);
    }

    @Test
    void defaultMaxHopsRefusesAnAlreadyExchangedToken() {
        // billing-api has obo.enabled and the default obo.max-hops (1)
        HttpResult first = oauth.exchange(ORDERS).subject(aliceToken()).audience("billing-api").send();
        assertAud(assertExchanged(first), "billing-api");
        assertError(oauth.exchange(BILLING).subject(first.field("access_token")).audience("inventory-api").send(),
                400, "invalid_request", "Hop limit reached: the subject token went through 1 exchange(s) and client "
                        + "'billing-api' accepts fewer than 1");
    }

    @Test
    void requesterAlreadyInThePathIsRefusedEvenBelowTheHopLimit() {
        // loop-a <-> loop-b, both obo.max-hops 3
        HttpResult ab = oauth.exchange(LOOP_A).subject(aliceToken()).audience("loop-b").send();
        Jwt t1 = assertExchanged(ab);
        assertEquals(List.of("loop-a"), t1.oboPath());
        HttpResult ba = oauth.exchange(LOOP_B).subject(ab.field("access_token")).audience("loop-a").send();
        Jwt t2 = assertExchanged(ba);
        assertAud(t2, "loop-a");
        assertEquals(List.of("loop-a", "loop-b"), t2.oboPath());
        assertError(oauth.exchange(LOOP_A).subject(ba.field("access_token")).audience("loop-b").send(), 400,
                "invalid_request", "Client 'loop-a' already exchanged this token (obo_path [loop-a, loop-b])");
    }

    @Test
    void loggingOutEndsTheWholeChain() {
        Tokens login = alice();
        HttpResult first = oauth.exchange(ORDERS).subject(login.accessToken()).audience("shipping-api").send();
        assertExchanged(first);
        HttpResult second = oauth.exchange(SHIPPING).subject(first.field("access_token")).audience("inventory-api")
                .send();
        assertExchanged(second);

        admin.deleteSession(realmName(), login.access().sid());

        assertActive(oauth.introspect(INVENTORY, second.field("access_token")), false);
        assertActive(oauth.introspect(SHIPPING, first.field("access_token")), false);
        assertError(oauth.exchange(SHIPPING).subject(first.field("access_token")).audience("inventory-api").send(),
                400, "invalid_request", "The subject token's user session is not active");
    }

    @Test
    void aTokenFromKeycloaksOwnExchangeCountsAsAHop() {
        // builtin-te (Keycloak's standard token exchange) swaps alice's token for one meant for billing-api: that token
        // carries no obo_path, but Keycloak records in its id that a token exchange minted it
        ObjectNode mapper = Json.object();
        mapper.put("name", "aud-billing-api");
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-audience-mapper");
        mapper.putObject("config").put("included.client.audience", "billing-api").put("access.token.claim", "true");
        admin.addProtocolMapper(realmName(), "builtin-te", mapper);
        HttpResult laundered = oauth.exchange(Clients.BUILTIN).subject(aliceToken()).audience("billing-api").send();
        assertEquals(200, laundered.status(), laundered::describe);
        Jwt viaKeycloak = Jwt.parse(laundered.field("access_token"));
        assertTrue(viaKeycloak.aud().contains("billing-api"), viaKeycloak::toString);
        assertFalse(viaKeycloak.has("obo_path"), viaKeycloak::toString);

        // billing-api accepts only tokens straight from a login (obo.max-hops 1)
        HttpResult r = oauth.exchange(Clients.BILLING).subject(laundered.field("access_token")).audience("inventory-api")
                .send();
        assertError(r, 400, "invalid_request", "Hop limit reached: the subject token went through 1 exchange(s) and "
                + "client 'billing-api' accepts fewer than 1");

        // shipping-api accepts one exchange before it: the path records the client that made Keycloak's exchange
        ObjectNode toShipping = mapper.deepCopy();
        toShipping.put("name", "aud-shipping-api");
        ((ObjectNode) toShipping.get("config")).put("included.client.audience", "shipping-api");
        admin.addProtocolMapper(realmName(), "builtin-te", toShipping);
        HttpResult viaBuiltin = oauth.exchange(Clients.BUILTIN).subject(aliceToken()).audience("shipping-api").send();
        assertEquals(200, viaBuiltin.status(), viaBuiltin::describe);
        Jwt hop2 = assertExchanged(oauth.exchange(SHIPPING).subject(viaBuiltin.field("access_token"))
                .audience("inventory-api").send());
        assertEquals(java.util.List.of("builtin-te", "shipping-api"), hop2.oboPath(), hop2::toString);
    }
}
