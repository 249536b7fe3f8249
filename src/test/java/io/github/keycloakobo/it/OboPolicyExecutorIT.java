package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code obo-policy} client-policy executor (issue 4) in a realm whose client policy selects every client
 * ({@code any-client}) and applies two profiles: {@code obo-ceilings} and {@code obo-extra}. Each test sets the
 * executors' configuration it needs; the exchange core enforces the ceilings with the errors of design.md section 4.
 */
class OboPolicyExecutorIT extends AbstractOboIT {

    private static final String PROFILE = "obo-ceilings";
    private static final String EXTRA = "obo-extra";
    /** How a refusal names the client policy and profile of an executor (design.md section 6). */
    private static final String BY_CEILINGS = "client policy 'obo-realm-policy' (profile 'obo-ceilings')";
    private static final String BY_EXTRA = "client policy 'obo-realm-policy' (profile 'obo-extra')";

    private ClientPolicies policies;

    @BeforeAll
    void createPolicy() {
        policies = new ClientPolicies(admin, realmName());
        ceilings(config());
        policies.putAnyClientPolicy("obo-realm-policy", PROFILE, EXTRA);
    }

    @AfterAll
    void removePolicy() {
        if (policies != null) {
            policies.clearPolicies();
        }
    }

    // ---------------------------------------------------------------- denied audiences

    @Test
    void deniedAudienceIsInvalidTargetForBothRequestForms() {
        ceilings(config("denied-audiences", Json.array().add("billing-api")));
        String token = aliceToken();

        HttpResult denied = oauth.exchange(Clients.ORDERS).subject(token).audience("billing-api").send();
        assertError(denied, 400, "invalid_target");
        assertEquals("Target client 'billing-api' is denied for on-behalf-of exchange by " + BY_CEILINGS,
                denied.field("error_description"), denied::describe);
        JsonNode event = assertReason("orders-api", "audience_denied_by_realm", BY_CEILINGS);
        // what was asked for, with the same meaning as on success
        assertEquals("billing-api", event.path("details").path("audience").asText(), event::toString);
        assertEquals("1", event.path("details").path("obo_hops").asText(), event::toString);

        HttpResult entra = oauth.entraOnBehalfOf(Clients.ORDERS, token).param("scope", "billing-api/.default").send();
        assertError(entra, 400, "invalid_target");
        assertEquals("Target client 'billing-api' is denied for on-behalf-of exchange by " + BY_CEILINGS,
                entra.field("error_description"), entra::describe);

        Jwt allowed = assertExchanged(oauth.exchange(Clients.ORDERS).subject(token).audience("inventory-api").send());
        assertAud(allowed, "inventory-api");
    }

    @Test
    void keycloaksAdministrativeClientsAreDeniedByDefaultUnlessTheListIsEmptied() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-api",
                Map.of("obo.audiences", "inventory-api realm-management"));
        try {
            ceilings(config()); // no denied-audiences key: the default list
            HttpResult denied = oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("realm-management")
                    .send();
            assertError(denied, 400, "invalid_target");
            assertEquals("Target client 'realm-management' is one of Keycloak's internal clients, denied for "
                    + "on-behalf-of exchange by " + BY_CEILINGS, denied.field("error_description"), denied::describe);

            ceilings(config("denied-audiences", Json.array())); // explicitly none
            assertAud(assertExchanged(oauth.exchange(Clients.ORDERS).subject(aliceToken())
                    .audience("realm-management").send()), "realm-management");
        } finally {
            admin.setClientAttributes(realmName(), "orders-api", previous);
        }
    }

    // ---------------------------------------------------------------- hops

    @Test
    void maxHopsCapsEveryClientsOwnHopLimit() {
        // orders-api -> shipping-api (hop 1), then shipping-api (obo.max-hops 2) -> inventory-api (hop 2)
        ceilings(config("max-hops", "1"));
        String first = exchangeToShipping();
        HttpResult refused = oauth.exchange(Clients.SHIPPING).subject(first).audience("inventory-api").send();
        assertError(refused, 400, "invalid_request");
        assertEquals("Hop limit reached: the subject token went through 1 exchange(s) and " + BY_CEILINGS
                + " accepts fewer than 1", refused.field("error_description"), refused::describe);
        assertReason("shipping-api", "hop_limit", BY_CEILINGS);

        ceilings(config("max-hops", 2));
        Jwt second = assertExchanged(oauth.exchange(Clients.SHIPPING).subject(exchangeToShipping())
                .audience("inventory-api").send());
        assertEquals(java.util.List.of("orders-api", "shipping-api"), second.oboPath());
    }

    private String exchangeToShipping() {
        HttpResult r = oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("shipping-api").send();
        assertExchanged(r);
        return r.field("access_token");
    }

    // ---------------------------------------------------------------- lifetime

    @Test
    void maxTokenLifetimeCapsExchangedTokens() {
        ceilings(config("max-token-lifetime", 30));
        assertLifetimeAtMost(oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("inventory-api").send(),
                30);
        // orders-lite's own obo.token-lifetime is 60: the realm's 30 wins
        assertLifetimeAtMost(oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).send(), 30);

        ceilings(config("max-token-lifetime", "600"));
        // a higher ceiling changes nothing: orders-lite keeps its 60 s, orders-api the realm's 300 s
        long lite = lifetime(oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).send());
        assertTrue(lite > 30 && lite <= 60, "orders-lite lifetime " + lite);
        long orders = lifetime(oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("inventory-api").send());
        assertTrue(orders > 60 && orders <= 300, "orders-api lifetime " + orders);
    }

    // ---------------------------------------------------------------- scopes

    @Test
    void allowedScopesCapExchangedScopes() {
        String token = login("alice", "openid inventory:read").accessToken();
        ceilings(config("allowed-scopes", Json.array().add("openid").add("profile")));

        HttpResult refused = oauth.exchange(Clients.ORDERS).subject(token).audience("inventory-api")
                .scope("inventory:read").send();
        assertError(refused, 400, "invalid_scope");
        assertEquals("Scope 'inventory:read' is outside the allowed scopes of " + BY_CEILINGS,
                refused.field("error_description"), refused::describe);
        assertReason("orders-api", "scope_denied_by_realm", BY_CEILINGS);

        Jwt silent = assertExchanged(oauth.exchange(Clients.ORDERS).subject(token).audience("inventory-api").send());
        assertFalse(silent.scopes().contains("inventory:read"), silent::toString);
        assertFalse(silent.scopes().contains("email"), silent::toString);

        ceilings(config("allowed-scopes", "openid profile email inventory:read"));
        Jwt allowed = assertExchanged(oauth.exchange(Clients.ORDERS).subject(token).audience("inventory-api")
                .scope("inventory:read").send());
        assertTrue(allowed.scopes().contains("inventory:read"), allowed::toString);
    }

    // ---------------------------------------------------------------- several executors

    @Test
    void severalExecutorsCombineToTheStricterCeilings() {
        ceilings(config("max-token-lifetime", 100, "denied-audiences", Json.array().add("billing-api")),
                config("max-token-lifetime", 40, "denied-audiences", Json.array().add("shipping-api")));
        String token = aliceToken();
        assertLifetimeAtMost(oauth.exchange(Clients.ORDERS).subject(token).audience("inventory-api").send(), 40);
        HttpResult billing = oauth.exchange(Clients.ORDERS).subject(token).audience("billing-api").send();
        assertError(billing, 400, "invalid_target");
        assertEquals("Target client 'billing-api' is denied for on-behalf-of exchange by " + BY_CEILINGS,
                billing.field("error_description"), billing::describe);
        HttpResult shipping = oauth.exchange(Clients.ORDERS).subject(token).audience("shipping-api").send();
        assertError(shipping, 400, "invalid_target");
        assertEquals("Target client 'shipping-api' is denied for on-behalf-of exchange by " + BY_EXTRA,
                shipping.field("error_description"), shipping::describe);
    }

    // ---------------------------------------------------------------- other clients

    @Test
    void keycloaksOwnExchangeForClientsWithoutOboIsUnaffected() {
        ceilings(config("max-token-lifetime", 30, "denied-audiences", Json.array().add("builtin-te")));
        HttpResult r = oauth.exchange(Clients.BUILTIN).subject(aliceToken()).send();
        assertEquals(200, r.status(), r::describe);
        long lifetime = r.json().path("expires_in").asLong();
        assertTrue(lifetime > 30, "the built-in exchange got the OBO ceiling: expires_in " + lifetime);
    }

    // ---------------------------------------------------------------- validation on save

    @Test
    void invalidConfigurationIsRefusedWhenSavedAndNothingIsStored() {
        ceilings(config("max-hops", "2"));
        JsonNode before = policies.getProfiles();
        Object[][] bad = {
            {"max-token-lifetime", "-5"},
            {"max-token-lifetime", "abc"},
            {"max-token-lifetime", 0},
            {"max-hops", "1.5"},
            {"maxhops", "1"},
            {"denied-audiences", 7},
        };
        for (Object[] entry : bad) {
            String key = (String) entry[0];
            HttpResult r = policies.putProfiles(
                    ClientPolicies.profile(PROFILE, ClientPolicies.oboExecutor(config(key, entry[1]))),
                    ClientPolicies.profile(EXTRA));
            assertEquals(400, r.status(), () -> key + "=" + entry[1] + ": " + r.describe());
            String message = r.field("errorMessage");
            assertNotNull(message, r::describe);
            assertTrue(message.startsWith("Invalid configuration of the obo-policy executor: ")
                    && message.contains(key), () -> key + "=" + entry[1] + ": " + r.describe());
            assertEquals(before, policies.getProfiles(), "a refused configuration changed the stored profiles");
        }
        // the stored configuration still applies
        HttpResult hopLimited = oauth.exchange(Clients.SHIPPING).subject(exchangeToShipping())
                .audience("inventory-api").send();
        assertEquals(200, hopLimited.status(), hopLimited::describe);
    }

    // ---------------------------------------------------------------- helpers

    /** The configuration of the executor in profile obo-ceilings, and of further ones in obo-extra. */
    private void ceilings(ObjectNode first, ObjectNode... extra) {
        JsonNode[] extraExecutors = new JsonNode[extra.length];
        for (int i = 0; i < extra.length; i++) {
            extraExecutors[i] = ClientPolicies.oboExecutor(extra[i]);
        }
        HttpResult r = policies.putProfiles(ClientPolicies.profile(PROFILE, ClientPolicies.oboExecutor(first)),
                ClientPolicies.profile(EXTRA, extraExecutors));
        assertEquals(204, r.status(), r::describe);
    }

    private static ObjectNode config(Object... keyValues) {
        ObjectNode c = Json.object();
        for (int i = 0; i < keyValues.length; i += 2) {
            c.set((String) keyValues[i], Json.MAPPER.valueToTree(keyValues[i + 1]));
        }
        return c;
    }

    /** The refusal's audit event: its reason starts with the code and names the policy that refused. */
    private JsonNode assertReason(String clientId, String reason, String origin) {
        JsonNode event = admin.awaitEvent(realmName(), "TOKEN_EXCHANGE_ERROR", clientId,
                e -> e.path("details").path("reason").asText().startsWith(reason + ":")
                        && e.path("details").path("reason").asText().contains(origin), Duration.ofSeconds(10));
        assertNotNull(event, "no TOKEN_EXCHANGE_ERROR event of " + clientId + " with reason " + reason + " by "
                + origin);
        return event;
    }

    private static long lifetime(HttpResult r) {
        Jwt t = assertExchanged(r);
        return t.exp() - t.iat();
    }

    private static void assertLifetimeAtMost(HttpResult r, long seconds) {
        long lifetime = lifetime(r);
        assertTrue(lifetime <= seconds && lifetime >= seconds - 5,
                "exchanged token lives " + lifetime + " s, expected about " + seconds + ": " + r.describe());
    }
}
