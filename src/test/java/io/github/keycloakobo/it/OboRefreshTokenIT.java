package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.INVENTORY;
import static io.github.keycloakobo.it.Clients.REPORTS;
import static io.github.keycloakobo.it.Clients.SHIPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code requested_token_type=refresh_token}, and every refresh of such a refresh token: a fresh OBO decision on the
 * facts recorded at exchange time, issued by the same code as the exchange (design.md section 5).
 *
 * <p>reports-api is set up here as a source without full scope whose default client scope {@code stock-writer} is
 * its only way to the target role {@code inventory-api/stock.write} (which alice has): the user's token does not carry
 * that scope, so neither the exchange nor any refresh may carry the role.
 */
class OboRefreshTokenIT extends AbstractOboIT {

    private static final long SSO_SESSION_IDLE = 1800; // realm template

    @BeforeAll
    void narrowSource() {
        ObjectNode scope = Json.object();
        scope.put("name", "stock-writer");
        scope.put("protocol", "openid-connect");
        scope.putObject("attributes").put("include.in.token.scope", "true");
        admin.createClientScope(realmName(), scope);
        admin.addClientScopeMappingToScope(realmName(), "stock-writer", "inventory-api", "stock.write");
        admin.grantClientRole(realmName(), "alice", "inventory-api", "stock.write");

        ObjectNode reports = admin.getClient(realmName(), "reports-api");
        reports.put("fullScopeAllowed", false);
        admin.updateClient(realmName(), reports);
        admin.addClientScopeMappingToClient(realmName(), "reports-api", "inventory-api", "stock.read");
        admin.addDefaultClientScope(realmName(), "reports-api", "stock-writer");
    }

    private HttpResult exchangeForRefresh(ClientAuth client, String subjectToken, String audience) {
        return oauth.exchange(client).subject(subjectToken).audience(audience)
                .requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send();
    }

    private HttpResult reportsRefreshExchange() {
        HttpResult r = exchangeForRefresh(REPORTS, aliceToken(), "inventory-api");
        assertEquals(200, r.status(), r::describe);
        return r;
    }

    private static void assertRefused(HttpResult r, String descriptionPart) {
        assertError(r, 400, "invalid_grant", descriptionPart);
    }

    @Test
    void refreshTokenIsRefusedWithoutOboRefreshToken() {
        HttpResult r = exchangeForRefresh(Clients.ORDERS, aliceToken(), "inventory-api");
        assertError(r, 400, "invalid_request",
                "Client 'orders-api' may not obtain refresh tokens by on-behalf-of exchange");
    }

    @Test
    void everyRefreshIsExactlyAsNarrowAsTheExchange() {
        Tokens login = login("alice", "openid inventory:read");
        HttpResult r = oauth.exchange(REPORTS).subject(login.accessToken()).audience("inventory-api")
                .scope("inventory:read").requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send();
        assertEquals(200, r.status(), r::describe);
        assertEquals(OAuth.REFRESH_TOKEN_TYPE, r.field("issued_token_type"), r::describe);
        assertTrue(r.has("refresh_token"), r::describe);
        assertFalse(r.has("id_token"), r::describe);

        Jwt at = Jwt.parse(r.field("access_token"));
        assertAud(at, "inventory-api");
        assertEquals(List.of("reports-api"), at.oboPath());
        assertTrue(at.scopes().contains("inventory:read"), at::toString);
        assertFalse(at.scopes().contains("stock-writer"), at::toString);
        assertEquals(Set.of("stock.read"), at.clientRoles("inventory-api"), at::toString);
        assertEquals(Set.of("inventory-api"), at.resourceAccessClients(), at::toString);
        assertTrue(at.exp() <= login.access().exp());

        Jwt rt = Jwt.parse(r.field("refresh_token"));
        long now = System.currentTimeMillis() / 1000;
        assertTrue(rt.exp() <= now + SSO_SESSION_IDLE + 5, () -> "refresh token outlives the session: " + rt);
        assertEquals(login.access().sid(), rt.sid());

        String refreshToken = r.field("refresh_token");
        for (int i = 1; i <= 3; i++) {
            HttpResult refreshed = oauth.refresh(REPORTS, refreshToken);
            int round = i;
            assertEquals(200, refreshed.status(), () -> "refresh " + round + ": " + refreshed.describe());
            assertFalse(refreshed.has("id_token"), refreshed::describe);
            assertEquals(r.field("scope"), refreshed.field("scope"), () -> "response scope of refresh " + round);
            Jwt next = Jwt.parse(refreshed.field("access_token"));
            assertAud(next, "inventory-api");
            assertEquals(at.scopes(), next.scopes(), () -> "scope of refresh " + round + ": " + next);
            assertEquals(Set.of("stock.read"), next.clientRoles("inventory-api"), () -> "roles: " + next);
            assertEquals(Set.of("inventory-api"), next.resourceAccessClients(), next::toString);
            assertEquals(List.of("reports-api"), next.oboPath());
            assertEquals(at.sub(), next.sub());
            assertEquals(at.sid(), next.sid());
            assertEquals("reports-api", next.azp());
            assertFalse(next.has("act"));
            assertTrue(next.exp() - next.iat() <= at.exp() - at.iat() + 1, () -> "refreshed token lives longer: " + next);
            assertActive(oauth.introspect(INVENTORY, refreshed.field("access_token")), true);
            assertTrue(refreshed.has("refresh_token"), refreshed::describe);
            refreshToken = refreshed.field("refresh_token");
        }
    }

    @Test
    void refreshTokenDiesWithTheSession() {
        Tokens login = alice();
        HttpResult r = exchangeForRefresh(REPORTS, login.accessToken(), "inventory-api");
        assertEquals(200, r.status(), r::describe);
        admin.deleteSession(realmName(), login.access().sid());
        assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")), "session");
    }

    @Test
    void refreshIsRefusedOnceTheTargetIsDisabled() {
        HttpResult r = reportsRefreshExchange();
        admin.setClientEnabled(realmName(), "inventory-api", false);
        try {
            HttpResult refreshed = oauth.refresh(REPORTS, r.field("refresh_token"));
            assertRefused(refreshed, "Target client 'inventory-api' is disabled");
            JsonNode event = admin.awaitEvent(realmName(), "REFRESH_TOKEN_ERROR", "reports-api",
                    e -> e.path("details").path("reason").asText().startsWith("target_disabled"), Duration.ofSeconds(10));
            assertNotNull(event, "REFRESH_TOKEN_ERROR with reason target_disabled");
        } finally {
            admin.setClientEnabled(realmName(), "inventory-api", true);
        }
        assertEquals(200, oauth.refresh(REPORTS, r.field("refresh_token")).status(), "enabled again: refreshes again");
    }

    @Test
    void refreshIsRefusedOnceTheTargetIsDeleted() {
        ObjectNode target = Json.object();
        target.put("clientId", "short-lived-target");
        target.put("bearerOnly", true);
        admin.createClient(realmName(), target);
        Map<String, String> previous = admin.setClientAttributes(realmName(), "reports-api",
                Map.of("obo.audiences", "inventory-api short-lived-target"));
        try {
            HttpResult r = exchangeForRefresh(REPORTS, aliceToken(), "short-lived-target");
            assertEquals(200, r.status(), r::describe);
            admin.deleteClient(realmName(), "short-lived-target");
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")),
                    "Target client 'short-lived-target' does not exist");
        } finally {
            admin.setClientAttributes(realmName(), "reports-api", previous);
        }
    }

    @Test
    void refreshIsRefusedOnceTheTargetLeavesTheAllowList() {
        HttpResult r = reportsRefreshExchange();
        Map<String, String> previous = admin.setClientAttributes(realmName(), "reports-api",
                Map.of("obo.audiences", "billing-api"));
        try {
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")),
                    "Audience 'inventory-api' is not an allowed target of client 'reports-api'");
        } finally {
            admin.setClientAttributes(realmName(), "reports-api", previous);
        }
    }

    @Test
    void refreshIsRefusedOnceOboIsSwitchedOff() {
        HttpResult r = reportsRefreshExchange();
        Map<String, String> previous = admin.setClientAttributes(realmName(), "reports-api",
                Map.of("obo.enabled", "false"));
        try {
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")),
                    "Client 'reports-api' is not enabled for on-behalf-of exchange");
        } finally {
            admin.setClientAttributes(realmName(), "reports-api", previous);
        }
    }

    @Test
    void refreshIsRefusedOnceRefreshTokensAreSwitchedOff() {
        HttpResult r = reportsRefreshExchange();
        Map<String, String> previous = admin.setClientAttributes(realmName(), "reports-api",
                Map.of("obo.refresh-token", "false"));
        try {
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")),
                    "Client 'reports-api' may not obtain refresh tokens by on-behalf-of exchange");
        } finally {
            admin.setClientAttributes(realmName(), "reports-api", previous);
        }
    }

    @Test
    void realmPolicyAppliesOnRefresh() {
        HttpResult r = reportsRefreshExchange();
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        ObjectNode lower = Json.object();
        lower.put("max-token-lifetime", "30");
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("obo-short",
                ClientPolicies.oboExecutor(lower))).status());
        policies.putAnyClientPolicy("obo-short-policy", "obo-short");
        try {
            HttpResult refreshed = oauth.refresh(REPORTS, r.field("refresh_token"));
            assertEquals(200, refreshed.status(), refreshed::describe);
            Jwt t = Jwt.parse(refreshed.field("access_token"));
            assertTrue(t.exp() - t.iat() <= 31, () -> "the realm's lowered lifetime applies on refresh: " + t);
            assertTrue(refreshed.json().path("expires_in").asLong() <= 31, refreshed::describe);

            ObjectNode deny = Json.object();
            deny.putArray("denied-audiences").add("inventory-api");
            assertEquals(204, policies.putProfiles(ClientPolicies.profile("obo-short",
                    ClientPolicies.oboExecutor(deny))).status());
            assertRefused(oauth.refresh(REPORTS, refreshed.field("refresh_token")), "Target client 'inventory-api' is "
                    + "denied for on-behalf-of exchange by client policy 'obo-short-policy' (profile 'obo-short')");
        } finally {
            policies.clearPolicies();
        }
    }

    @Test
    void refreshIsRefusedOnceTheUserIsDisabled() {
        HttpResult r = exchangeForRefresh(REPORTS, login("bob", "openid").accessToken(), "inventory-api");
        assertEquals(200, r.status(), r::describe);
        admin.setUserEnabled(realmName(), "bob", false);
        try {
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")), "disabled");
        } finally {
            admin.setUserEnabled(realmName(), "bob", true);
        }
    }

    @Test
    void anotherClientCannotUseTheRefreshToken() {
        HttpResult r = reportsRefreshExchange();
        // Keycloak's own refresh-token check, before the extension's
        assertRefused(oauth.refresh(Clients.ORDERS, r.field("refresh_token")),
                "Token client and authorized client don't match");
    }

    @Test
    void noRefreshTokenWhenTheSourceHasUseRefreshTokensOff() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "reports-api",
                Map.of("use.refresh.tokens", "false"));
        try {
            HttpResult r = exchangeForRefresh(REPORTS, aliceToken(), "inventory-api");
            assertError(r, 400, "invalid_request", "Client 'reports-api' has 'Use refresh tokens' switched off, so it "
                    + "gets no refresh token by on-behalf-of exchange");
        } finally {
            admin.setClientAttributes(realmName(), "reports-api", previous);
        }
    }

    @Test
    void aSourceThatAlsoLogsUsersInKeepsItsOwnSessionAsItWas() {
        // carol logs in at reports-api itself (its own client session, scope openid) with a token meant for itself
        ObjectNode reports = admin.getClient(realmName(), "reports-api");
        reports.put("directAccessGrantsEnabled", true);
        admin.updateClient(realmName(), reports);
        ObjectNode mapper = Json.object();
        mapper.put("name", "aud-self");
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-audience-mapper");
        ObjectNode cfg = mapper.putObject("config");
        cfg.put("included.client.audience", "reports-api");
        cfg.put("access.token.claim", "true");
        admin.addProtocolMapper(realmName(), "reports-api", mapper);

        HttpResult own = REPORTS.post(oauth.tokenEndpoint(), Form.of("grant_type", "password", "username", "carol",
                "password", "carol", "scope", "openid"));
        assertEquals(200, own.status(), own::describe);
        assertTrue(own.has("id_token"), own::describe);

        HttpResult exchanged = exchangeForRefresh(REPORTS, own.field("access_token"), "inventory-api");
        assertEquals(200, exchanged.status(), exchanged::describe);
        assertEquals(200, oauth.refresh(REPORTS, exchanged.field("refresh_token")).status());

        HttpResult ownRefresh = oauth.refresh(REPORTS, own.field("refresh_token"));
        assertEquals(200, ownRefresh.status(), ownRefresh::describe);
        assertTrue(ownRefresh.has("id_token"), () -> "the client's own refresh lost its id_token: " + ownRefresh.describe());
        Jwt ownAt = Jwt.parse(ownRefresh.field("access_token"));
        assertFalse(ownAt.has("obo_path"), ownAt::toString);
        assertTrue(ownAt.scopes().contains("openid"), ownAt::toString);
    }

    @Test
    void concurrentRefreshExchangesEachGetExactlyTheirTokens() throws Exception {
        Tokens login = alice();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    HttpResult r = exchangeForRefresh(REPORTS, login.accessToken(), "inventory-api");
                    if (r.status() != 200) {
                        return "exchange: " + r.describe();
                    }
                    HttpResult refreshed = oauth.refresh(REPORTS, r.field("refresh_token"));
                    if (refreshed.status() != 200) {
                        return "refresh: " + refreshed.describe();
                    }
                    Jwt t = Jwt.parse(refreshed.field("access_token"));
                    return t.aud().equals(Set.of("inventory-api")) && t.oboPath().equals(List.of("reports-api"))
                            && t.clientRoles("inventory-api").equals(Set.of("stock.read")) ? "ok" : "claims: " + t;
                }));
            }
            Map<String, Integer> outcomes = new HashMap<>();
            for (Future<String> f : results) {
                outcomes.merge(f.get(), 1, Integer::sum);
            }
            assertEquals(Map.of("ok", 16), outcomes);
        } finally {
            pool.shutdownNow();
        }
        // the user session still has exactly the client session of the login, none made by the exchanges
        JsonNode sessions = admin.userSessions(realmName(), "alice");
        for (JsonNode s : sessions) {
            if (s.path("id").asText().equals(login.access().sid())) {
                assertEquals(Set.of("web-app"), Set.copyOf(clientIds(s)), s::toString);
            }
        }
    }

    private static List<String> clientIds(JsonNode userSession) {
        List<String> ids = new ArrayList<>();
        userSession.path("clients").forEach(c -> ids.add(c.asText()));
        return ids;
    }

    @Test
    void aTokenAtHopTwoGetsARefreshTokenToo() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "shipping-api",
                Map.of("obo.refresh-token", "true"));
        try {
            HttpResult hop1 = oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("shipping-api").send();
            assertExchanged(hop1);
            HttpResult r = exchangeForRefresh(SHIPPING, hop1.field("access_token"), "inventory-api");
            assertEquals(200, r.status(), r::describe);
            HttpResult refreshed = oauth.refresh(SHIPPING, r.field("refresh_token"));
            assertEquals(200, refreshed.status(), refreshed::describe);
            Jwt t = Jwt.parse(refreshed.field("access_token"));
            assertEquals(List.of("orders-api", "shipping-api"), t.oboPath());
            assertAud(t, "inventory-api");
        } finally {
            admin.setClientAttributes(realmName(), "shipping-api", previous);
        }
    }

    @Test
    void withoutRequestedTokenTypeTheAllowedClientGetsNoRefreshToken() {
        Jwt t = assertExchanged(oauth.exchange(REPORTS).subject(aliceToken()).audience("inventory-api").send());
        assertAud(t, "inventory-api");
    }

    @Test
    void withRevokeRefreshTokenOnARefreshTokenIsGoodForOneRefresh() {
        ObjectNode realmRep = admin.getRealm(realmName());
        realmRep.put("revokeRefreshToken", true);
        admin.updateRealm(realmName(), realmRep);
        try {
            HttpResult r = reportsRefreshExchange();
            HttpResult first = oauth.refresh(REPORTS, r.field("refresh_token"));
            assertEquals(200, first.status(), first::describe);
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")),
                    "The refresh token was already used, and this realm revokes refresh tokens on use");
            assertEquals(200, oauth.refresh(REPORTS, first.field("refresh_token")).status(), "the new one works");
        } finally {
            ObjectNode restore = admin.getRealm(realmName());
            restore.put("revokeRefreshToken", false);
            admin.updateRealm(realmName(), restore);
        }
    }

    @Test
    void aRealmPolicyOnTokenExchangeAppliesToRefreshesToo() {
        // the policy selects token-exchange requests only (grant-type condition): a refresh of an OBO refresh token
        // is decided as an exchange, so its ceilings apply
        HttpResult r = reportsRefreshExchange();
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        ObjectNode deny = Json.object();
        deny.putArray("denied-audiences").add("inventory-api");
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("obo-deny",
                ClientPolicies.oboExecutor(deny))).status());
        ObjectNode policy = Json.object();
        policy.put("name", "exchange-only");
        policy.put("enabled", true);
        ObjectNode condition = policy.putArray("conditions").addObject();
        condition.put("condition", "grant-type");
        condition.putObject("configuration").putArray("grant_types").add(OAuth.TOKEN_EXCHANGE);
        policy.putArray("profiles").add("obo-deny");
        ObjectNode body = Json.object();
        body.putArray("policies").add(policy);
        assertEquals(204, Http.putJson(admin.realmUrl(realmName()) + "/client-policies/policies", admin.token(),
                Json.write(body)).status());
        try {
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")), "Target client 'inventory-api' is "
                    + "denied for on-behalf-of exchange by client policy 'exchange-only' (profile 'obo-deny')");
        } finally {
            policies.clearPolicies();
        }
    }

    @Test
    void refreshIsRefusedAfterTheSourcesNotBeforeRevocation() {
        HttpResult r = reportsRefreshExchange();
        ObjectNode reports = admin.getClient(realmName(), "reports-api");
        reports.put("notBefore", (int) (System.currentTimeMillis() / 1000) + 1);
        admin.updateClient(realmName(), reports);
        try {
            // Keycloak 26.7's own refresh-token check finds it first; on 26.4 and 26.5 the extension's own rule does
            assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")), ItConfig.keycloakAtLeast("26.7")
                    ? "Stale token" : "The refresh token was issued before the client's not-before revocation");
        } finally {
            ObjectNode restore = admin.getClient(realmName(), "reports-api");
            restore.put("notBefore", 0);
            admin.updateClient(realmName(), restore);
        }
    }

    @Test
    void refreshIsRefusedOnceTheAppRevokedItsOwnLogin() {
        Tokens login = login("carol", "openid");
        HttpResult r = exchangeForRefresh(REPORTS, login.accessToken(), "inventory-api");
        assertEquals(200, r.status(), r::describe);
        HttpResult revoked = oauth.revoke(ClientAuth.publicClient(Clients.WEB_APP), login.refreshToken(),
                "refresh_token");
        assertEquals(200, revoked.status(), revoked::describe);
        // revoking the app's only login ends the user session the OBO refresh token belongs to
        assertRefused(oauth.refresh(REPORTS, r.field("refresh_token")),
                "The user session of the refresh token is not active");
    }
}
