package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.BILLING_RESOURCE;
import static io.github.keycloakobo.it.Clients.INVENTORY;
import static io.github.keycloakobo.it.Clients.INVENTORY_RESOURCE;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.ORDERS_LITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Successful on-behalf-of exchanges and the claims of the issued token (design.md section 5). */
class OboExchangeIT extends AbstractOboIT {

    @Test
    void exchangedTokenIsForTheTargetOnBehalfOfTheSameUser() throws InterruptedException {
        Tokens login = alice();
        Jwt subject = login.access();
        // a token whose lifetime counted from the exchange would now outlive the subject token
        Thread.sleep(1500);

        HttpResult r = oauth.exchange(ORDERS).subject(login.accessToken()).audience("inventory-api").send();

        Jwt t = assertExchanged(r);
        assertEquals(subject.sub(), t.sub(), "sub");
        assertAud(t, "inventory-api");
        assertEquals("orders-api", t.azp(), "azp");
        assertEquals(subject.sid(), t.sid(), "sid");
        assertEquals("Bearer", t.typ(), "typ");
        assertEquals(oauth.issuer(), t.string("iss"), "iss");
        assertNotEquals(subject.jti(), t.jti(), "a new token");
        assertTrue(t.exp() <= subject.exp(), () -> "exp " + t.exp() + " is after the subject's " + subject.exp());
        assertEquals(List.of("orders-api"), t.oboPath(), "obo_path");
        assertEquals(Set.of("stock.read"), t.clientRoles("inventory-api"), () -> "target roles of " + t);
        assertTrue(Set.of("inventory-api").containsAll(t.resourceAccessClients()),
                () -> "resource_access beyond the target: " + t.resourceAccessClients());
        assertEquals(t.scopes(), Set.of(r.field("scope").trim().split("\\s+")), "response scope = token scope");
        assertTrue(t.scopes().containsAll(Set.of("profile", "email")), () -> "default scopes kept: " + t);
    }

    @Test
    void clientSecretPostAuthenticationWorks() {
        HttpResult r = oauth.exchange(ORDERS.asPost()).subject(aliceToken()).audience("inventory-api").send();
        Jwt t = assertExchanged(r);
        assertAud(t, "inventory-api");
        assertEquals("orders-api", t.azp());
    }

    @Test
    void jwtSubjectTokenTypeIsAccepted() {
        HttpResult r = oauth.exchange(ORDERS).subject(aliceToken(), OAuth.JWT_TYPE).audience("inventory-api").send();
        assertAud(assertExchanged(r), "inventory-api");
    }

    @Test
    void explicitAccessTokenRequestedTypeIsAccepted() {
        HttpResult r = oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api")
                .requestedTokenType(OAuth.ACCESS_TOKEN_TYPE).send();
        assertAud(assertExchanged(r), "inventory-api");
    }

    @Test
    void targetIntrospectsExchangedTokenAsActive() {
        Tokens login = alice();
        HttpResult r = oauth.exchange(ORDERS).subject(login.accessToken()).audience("inventory-api").send();
        assertExchanged(r);
        HttpResult intro = oauth.introspect(INVENTORY, r.field("access_token"));
        assertActive(intro, true);
        assertEquals(login.access().sub(), intro.field("sub"));
        assertTrue(Json.strings(intro.json().get("aud")).contains("inventory-api"), intro::describe);
    }

    @Test
    void requestedOptionalScopeIsGrantedWhenTheSubjectTokenHasIt() {
        String subject = login("alice", "openid inventory:read").accessToken();
        HttpResult r = oauth.exchange(ORDERS).subject(subject).audience("inventory-api").scope("inventory:read")
                .send();
        Jwt t = assertExchanged(r);
        assertTrue(t.scopes().contains("inventory:read"), t::toString);
        assertTrue(r.field("scope").contains("inventory:read"), r::describe);
    }

    @Test
    void optionalScopeOfTheSubjectTokenIsNotCarriedOverUnrequested() {
        String subject = login("alice", "openid inventory:read").accessToken();
        Jwt t = assertExchanged(oauth.exchange(ORDERS).subject(subject).audience("inventory-api").send());
        assertFalse(t.scopes().contains("inventory:read"), t::toString);
    }

    @Test
    void severalAllowedAudiencesGiveOneTokenForAllOfThem() {
        HttpResult r = oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api", "billing-api").send();
        Jwt t = assertExchanged(r);
        assertAud(t, "inventory-api", "billing-api");
        assertEquals(List.of("orders-api"), t.oboPath());
    }

    @Test
    void resourceIndicatorMapsToTheTargetNamingIt() {
        HttpResult r = oauth.exchange(ORDERS).subject(aliceToken()).resource(INVENTORY_RESOURCE).send();
        assertAud(assertExchanged(r), "inventory-api");
    }

    @Test
    void severalResourceIndicatorsGiveOneTokenForAllTargets() {
        HttpResult r = oauth.exchange(ORDERS).subject(aliceToken()).resource(INVENTORY_RESOURCE, BILLING_RESOURCE)
                .send();
        assertAud(assertExchanged(r), "inventory-api", "billing-api");
    }

    @Test
    void audienceAndResourceCombine() {
        HttpResult r = oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api")
                .resource(BILLING_RESOURCE).send();
        assertAud(assertExchanged(r), "inventory-api", "billing-api");
    }

    @Test
    void theOnlyAllowedTargetIsTheDefault() {
        HttpResult r = oauth.exchange(ORDERS_LITE).subject(aliceToken()).send();
        Jwt t = assertExchanged(r);
        assertAud(t, "inventory-api");
        assertEquals("orders-lite", t.azp());
        assertEquals(List.of("orders-lite"), t.oboPath());
    }

    @Test
    void oboTokenLifetimeCapsExpiry() {
        // orders-lite: obo.token-lifetime = 60, realm access token lifespan 300
        HttpResult r = oauth.exchange(ORDERS_LITE).subject(aliceToken()).audience("inventory-api").send();
        Jwt t = assertExchanged(r);
        long now = System.currentTimeMillis() / 1000;
        assertTrue(t.exp() - t.iat() <= 60, () -> "lifetime " + (t.exp() - t.iat()) + " s > 60 s");
        assertTrue(t.exp() <= now + 61, () -> "exp " + (t.exp() - now) + " s away");
        assertTrue(r.json().get("expires_in").asLong() <= 60, r::describe);
        assertTrue(r.json().get("expires_in").asLong() > 0, r::describe);
    }

    @Test
    void withoutLifetimeSettingTheTokenLivesAsLongAsTheSubjectToken() {
        Tokens login = alice();
        Jwt t = assertExchanged(oauth.exchange(ORDERS).subject(login.accessToken()).audience("inventory-api").send());
        // realm lifespan 300 s; capped by the subject token's exp, so within a few seconds of it
        assertTrue(t.exp() <= login.access().exp());
        assertTrue(login.access().exp() - t.exp() <= 10, () -> "exp " + t.exp() + " vs subject "
                + login.access().exp());
    }

    @Test
    void withoutTokenLifetimeTheTokenLivesAsLongAsTheTargetsOwnTokens() {
        // realm 300 s, inventory-api's own access token lifespan 60 s: the exchanged token lives 60 s
        java.util.Map<String, String> previous = admin.setClientAttributes(realmName(), "inventory-api",
                java.util.Map.of("access.token.lifespan", "60"));
        try {
            HttpResult r = oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("inventory-api").send();
            Jwt t = assertExchanged(r);
            assertTrue(t.exp() - t.iat() <= 61 && t.exp() - t.iat() >= 58, () -> "lifetime of " + t);
            assertTrue(r.json().path("expires_in").asLong() <= 61, r::describe);
        } finally {
            admin.setClientAttributes(realmName(), "inventory-api", previous);
        }
        // and the realm's lifespan (300 s) when the target has none of its own
        Jwt t = assertExchanged(oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("inventory-api").send());
        assertTrue(t.exp() - t.iat() >= 290, () -> "lifetime of " + t);
    }
}
