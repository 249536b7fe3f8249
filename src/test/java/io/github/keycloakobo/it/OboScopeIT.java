package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.ORDERS_LITE;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Scopes of exchanged tokens: restricted to the source client's scopes, the subject token's scopes and
 * {@code obo.scopes}; an explicit request outside them is {@code invalid_scope}.
 */
class OboScopeIT extends AbstractOboIT {

    @Test
    void requestedScopeMissingFromTheSubjectTokenIsRefused() {
        String subject = login("alice", "openid").accessToken(); // no inventory:read
        assertError(oauth.exchange(ORDERS).subject(subject).audience("inventory-api").scope("inventory:read").send(),
                400, "invalid_scope", "Scope 'inventory:read' was not granted in the subject token");
    }

    @Test
    void requestedScopeThatIsNotAScopeOfTheSourceClientIsRefused() {
        // billing:read is an optional scope of web-app (so the subject token has it), not of orders-api
        String subject = login("alice", "openid billing:read").accessToken();
        assertError(oauth.exchange(ORDERS).subject(subject).audience("inventory-api").scope("billing:read").send(),
                400, "invalid_scope", "Scope 'billing:read' is not a scope of client 'orders-api'");
    }

    @Test
    void unknownScopeIsRefused() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api").scope("no-such-scope")
                .send(), 400, "invalid_scope", "Scope 'no-such-scope' is not a scope of client 'orders-api'");
    }

    @Test
    void requestedScopeOutsideOboScopesIsRefused() {
        // orders-lite: obo.scopes = openid profile inventory:read; inventory:write is its optional scope and the
        // subject token has it
        String subject = login("alice", "openid inventory:write").accessToken();
        assertError(oauth.exchange(ORDERS_LITE).subject(subject).scope("inventory:write").send(), 400,
                "invalid_scope", "Scope 'inventory:write' is outside obo.scopes of client 'orders-lite'");
    }

    @Test
    void oneRefusedScopeRefusesTheWholeRequest() {
        String subject = login("alice", "openid inventory:read billing:read").accessToken();
        assertError(oauth.exchange(ORDERS).subject(subject).audience("inventory-api")
                .scope("inventory:read billing:read").send(), 400, "invalid_scope",
                "Scope 'billing:read' is not a scope of client 'orders-api'");
    }

    @Test
    void requestedScopeInsideEveryCeilingIsGranted() {
        String subject = login("alice", "openid inventory:read").accessToken();
        Jwt t = assertExchanged(oauth.exchange(ORDERS_LITE).subject(subject).scope("inventory:read").send());
        assertTrue(t.scopes().contains("inventory:read"), t::toString);
    }

    @Test
    void defaultScopesOutsideOboScopesAreSilentlyLeftOut() {
        // email is a default scope of orders-lite but not in its obo.scopes; profile is in both
        Jwt t = assertExchanged(oauth.exchange(ORDERS_LITE).subject(aliceToken()).send());
        assertFalse(t.scopes().contains("email"), t::toString);
        assertTrue(t.scopes().contains("profile"), t::toString);
    }

    @Test
    void defaultScopesMissingFromTheSubjectTokenAreSilentlyLeftOut() {
        // profile is a default scope of web-app and of orders-api: drop it from web-app's defaults for one login,
        // so that the subject token lacks it; the exchanged token must not regain it
        String realm = realmName();
        String webApp = admin.clientUuid(realm, Clients.WEB_APP);
        String profile = admin.clientScopeId(realm, "profile");
        HttpResult del = Http.delete(admin.realmUrl(realm) + "/clients/" + webApp + "/default-client-scopes/"
                + profile, admin.token());
        assertTrue(del.status() == 204, del::describe);
        Tokens login;
        try {
            login = login("alice", "openid");
        } finally {
            admin.addDefaultClientScope(realm, Clients.WEB_APP, "profile");
        }
        Jwt s = login.access();
        assertFalse(s.scopes().contains("profile"), s::toString);
        Jwt t = assertExchanged(oauth.exchange(ORDERS).subject(login.accessToken()).audience("inventory-api").send());
        assertFalse(t.scopes().contains("profile"), t::toString);
        assertTrue(t.scopes().contains("email"), t::toString);
    }

    @Test
    void aHiddenDefaultScopeOutsideTheCeilingIsLeftOutButTheTokensBasicsStay() {
        // a custom default scope that never shows in the scope claim, with a claim mapper of its own
        com.fasterxml.jackson.databind.node.ObjectNode scope = Json.object();
        scope.put("name", "hidden-claims");
        scope.put("protocol", "openid-connect");
        scope.putObject("attributes").put("include.in.token.scope", "false");
        com.fasterxml.jackson.databind.node.ObjectNode mapper = scope.putArray("protocolMappers").addObject();
        mapper.put("name", "department");
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-hardcoded-claim-mapper");
        mapper.putObject("config").put("claim.name", "department").put("claim.value", "finance")
                .put("jsonType.label", "String").put("access.token.claim", "true");
        admin.createClientScope(realmName(), scope);
        admin.addDefaultClientScope(realmName(), "orders-lite", "hidden-claims");
        admin.addDefaultClientScope(realmName(), "orders-api", "hidden-claims");

        // orders-lite has a ceiling (obo.scopes = openid profile inventory:read) that does not name the scope
        Jwt capped = assertExchanged(oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).audience("inventory-api")
                .send());
        assertFalse(capped.has("department"), () -> "a hidden scope outside obo.scopes reached the token: " + capped);
        assertTrue(capped.has("sub"), capped::toString);
        assertEquals(java.util.Set.of("stock.read"), capped.clientRoles("inventory-api"), capped::toString);

        // orders-api has no ceiling: the hidden default scope applies as in any token of the client
        Jwt uncapped = assertExchanged(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api").send());
        assertEquals("finance", uncapped.string("department"), uncapped::toString);
    }
}
