package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * One model of the OBO configuration (issue 16): the {@code obo.*} attributes read the same way by the exchange and
 * the admin REST resource whatever wrote them (here Keycloak's own client API), canonical values only, and the OBO
 * admin resource behaving like Keycloak's client API (client policies, strict bodies, no probing of client ids, the
 * admin event on the client's path). Every test restores what it changes.
 */
class OboConfigurationIT extends AbstractOboIT {

    // ---------------------------------------------------------------- malformed stored values

    /**
     * A switch saved through Keycloak's own client API with a value that is not exactly {@code true} or {@code false}
     * still makes the client the extension's (never Keycloak's own exchange), and every exchange is refused naming the
     * attribute, in both request forms; the admin API lists the client with the problem.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TRUE", " true", "yes", "1"})
    void aMalformedSwitchIsRefusedAndReportedNeverHandedToKeycloak(String value) {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-lite",
                Map.of("obo.enabled", value));
        try {
            String expected = "The OBO policy of client 'orders-lite' is misconfigured: obo.enabled is '" + value
                    + "', not true or false";
            String token = aliceToken();
            HttpResult rfc = oauth.exchange(Clients.ORDERS_LITE).subject(token).send();
            assertError(rfc, 400, "unauthorized_client");
            assertEquals(expected, rfc.field("error_description"), rfc::describe);

            HttpResult entra = oauth.entraOnBehalfOf(Clients.ORDERS_LITE, token)
                    .param("scope", "inventory-api/.default").send();
            assertError(entra, 400, "unauthorized_client");
            assertEquals(expected, entra.field("error_description"), entra::describe);

            JsonNode event = admin.awaitEvent(realmName(), "TOKEN_EXCHANGE_ERROR", "orders-lite",
                    e -> e.path("details").path("reason").asText().equals("obo_policy_misconfigured: " + expected),
                    Duration.ofSeconds(10));
            assertNotNull(event, "no TOKEN_EXCHANGE_ERROR event naming the malformed attribute");

            HttpResult list = Http.get(obo().url("clients"), admin.token());
            assertEquals(200, list.status(), list::describe);
            JsonNode lite = OboAdmin.find(list.json(), "orders-lite");
            assertNotNull(lite, "a misconfigured OBO client vanished from the list: " + list.describe());
            assertTrue(lite.get("enabled").isNull(), lite::toString);
            assertEquals("obo.enabled is '" + value + "', not true or false", lite.path("errors").path("enabled")
                    .asText(), lite::toString);
        } finally {
            admin.setClientAttributes(realmName(), "orders-lite", previous);
        }
    }

    @Test
    void aNumberWithSpacesIsMalformedToo() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-lite",
                Map.of("obo.token-lifetime", " 60"));
        try {
            HttpResult r = oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).send();
            assertError(r, 400, "unauthorized_client");
            assertEquals("The OBO policy of client 'orders-lite' is misconfigured: obo.token-lifetime is ' 60', not "
                    + "a whole number of at least 1", r.field("error_description"), r::describe);
        } finally {
            admin.setClientAttributes(realmName(), "orders-lite", previous);
        }
        assertExchanged(oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).send());
    }

    /**
     * A realm policy that selects OBO clients by {@code obo.enabled=true} (Keycloak compares attribute values exactly)
     * applies its ceilings to every client the extension serves: a client whose switch is {@code TRUE}, which that
     * condition misses, is not served without them but refused as misconfigured.
     */
    @Test
    void aRealmPolicySelectingByTheSwitchCoversEveryServedClient() {
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        ObjectNode denyInventory = Json.object();
        denyInventory.putArray("denied-audiences").add("inventory-api");
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("obo-by-switch",
                ClientPolicies.oboExecutor(denyInventory))).status());
        ObjectNode bySwitch = Json.object();
        bySwitch.put("attributes", "[{\"key\":\"obo.enabled\",\"value\":\"true\"}]");
        policies.putPolicy("obo-clients", "client-attributes", bySwitch, "obo-by-switch");
        try {
            HttpResult selected = oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).send();
            if (ItConfig.keycloakAtLeast("26.5")) {
                assertError(selected, 400, "invalid_target");
                assertEquals("Target client 'inventory-api' is denied for on-behalf-of exchange by client policy "
                        + "'obo-clients' (profile 'obo-by-switch')", selected.field("error_description"),
                        selected::describe);
            } else {
                // Keycloak 26.4's client-attributes condition abstains on token-exchange requests (documented)
                assertExchanged(selected);
            }

            Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-lite",
                    Map.of("obo.enabled", "TRUE"));
            try {
                HttpResult missed = oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).send();
                assertError(missed, 400, "unauthorized_client");
                assertTrue(missed.field("error_description").contains("obo.enabled is 'TRUE'"), missed::describe);
            } finally {
                admin.setClientAttributes(realmName(), "orders-lite", previous);
            }
        } finally {
            policies.clearPolicies();
            policies.putProfiles();
        }
    }

    // ---------------------------------------------------------------- the admin resource as Keycloak's client API

    /** A client policy that refuses client updates refuses them through the OBO admin resource too. */
    @Test
    void clientUpdatePoliciesDecideOnTheOboAdminResource() {
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        Map<String, String> before = admin.clientAttributes(realmName(), "orders-lite");
        ObjectNode byAdmins = Json.object();
        byAdmins.putArray("update-client-source").add("ByAuthenticatedUser");
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("no-client-updates",
                ClientPolicies.executor("reject-request", Json.object()))).status());
        policies.putPolicy("freeze-clients", "client-updater-context", byAdmins, "no-client-updates");
        try {
            ObjectNode client = admin.getClient(realmName(), "orders-lite");
            HttpResult own = Http.putJson(admin.realmUrl(realmName()) + "/clients/" + client.get("id").asText(),
                    admin.token(), Json.write(client));
            assertEquals(400, own.status(), "Keycloak's own client update: " + own.describe());

            HttpResult obo = obo().put("orders-lite", "{\"audiences\":[\"inventory-api\",\"billing-api\"]}");
            assertEquals(400, obo.status(), obo::describe);
            assertEquals(own.field("error"), obo.field("error"), obo::describe);
            assertEquals(own.field("error_description"), obo.field("error_description"), obo::describe);
            assertEquals(before, admin.clientAttributes(realmName(), "orders-lite"));
        } finally {
            policies.clearPolicies();
            policies.putProfiles();
        }
        HttpResult allowed = obo().put("orders-lite", "{\"maxHops\":2}");
        assertEquals(200, allowed.status(), allowed::describe);
        assertEquals(200, obo().put("orders-lite", "{\"maxHops\":null}").status());
    }

    /** A target's resource indicators ({@code obo.resource}) are read and set like a source's rules. */
    @Test
    void aTargetsResourceIndicatorsAreReadAndSetThroughTheAdminResource() {
        Map<String, String> before = admin.clientAttributes(realmName(), "inventory-api");
        try {
            HttpResult set = obo().put("inventory-api", "{\"resources\":[\"urn:example:stock\"]}");
            assertEquals(200, set.status(), set::describe);
            assertEquals("urn:example:stock", set.json().path("resources").get(0).asText(), set::describe);
            Jwt t = assertExchanged(oauth.exchange(Clients.ORDERS).subject(aliceToken())
                    .param("resource", "urn:example:stock").send());
            assertAud(t, "inventory-api");

            HttpResult bad = obo().put("inventory-api", "{\"resources\":[\"stock\"]}");
            assertEquals(400, bad.status(), bad::describe);
            assertEquals("resources must be absolute URIs without a fragment, got 'stock'", bad.field("errorMessage"),
                    bad::describe);
        } finally {
            admin.setClientAttributes(realmName(), "inventory-api", before);
        }
    }

    /**
     * A client-update policy whose executor changes other settings of the client (auto-configure) would apply them
     * through Keycloak's own update; the OBO admin resource writes only {@code obo.*}, so it refuses instead of
     * storing a client the policy would not have let through.
     */
    @Test
    void aClientUpdatePolicyThatChangesOtherSettingsRefusesTheOboUpdate() {
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        ObjectNode client = admin.getClient(realmName(), "orders-lite");
        boolean fullScope = client.path("fullScopeAllowed").asBoolean();
        client.put("fullScopeAllowed", true);
        admin.updateClient(realmName(), client);
        Map<String, String> before = admin.clientAttributes(realmName(), "orders-lite");
        ObjectNode autoConfigure = Json.object();
        autoConfigure.put("auto-configure", true);
        ObjectNode byAdmins = Json.object();
        byAdmins.putArray("update-client-source").add("ByAuthenticatedUser");
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("no-full-scope",
                ClientPolicies.executor("full-scope-disabled", autoConfigure))).status());
        policies.putPolicy("no-full-scope-on-update", "client-updater-context", byAdmins, "no-full-scope");
        try {
            HttpResult r = obo().put("orders-lite", "{\"maxHops\":2}");
            assertEquals(400, r.status(), r::describe);
            assertTrue(r.field("errorMessage").startsWith("A client policy of this realm changes other settings of "
                    + "client 'orders-lite' when it is updated"), r::describe);
            assertEquals(before, admin.clientAttributes(realmName(), "orders-lite"));
            assertTrue(admin.getClient(realmName(), "orders-lite").path("fullScopeAllowed").asBoolean(),
                    "nothing of the refused update was stored");
        } finally {
            policies.clearPolicies();
            policies.putProfiles();
            ObjectNode restored = admin.getClient(realmName(), "orders-lite");
            restored.put("fullScopeAllowed", fullScope);
            admin.updateClient(realmName(), restored);
        }
    }

    @Test
    void bodiesAreStrictJsonWithinBounds() {
        Map<String, String> before = admin.clientAttributes(realmName(), "orders-lite");
        ArrayNode many = Json.array();
        for (int i = 0; i < 101; i++) {
            many.add("inventory-api");
        }
        String[][] refused = {
            {"{\"maxHops\":2} {\"maxHops\":3}", "not one JSON object"},
            {"{\"maxHops\":2}x", "not one JSON object"},
            {"{\"maxHops\":2,\"maxHops\":3}", "not one JSON object"},
            {"{\"audiences\":" + Json.write(many) + "}", "at most 100 names, got 101"},
            {"{\"scopes\":[\"" + "s".repeat(256) + "\"]}", "at most 255 characters long, got one of 256"},
            {"{\"scopes\":[\"" + "s".repeat(70_000) + "\"]}", "longer than 65536 characters"},
        };
        for (String[] body : refused) {
            HttpResult r = obo().put("orders-lite", body[0]);
            String shown = body[0].length() > 60 ? body[0].substring(0, 60) + "..." : body[0];
            assertEquals(400, r.status(), () -> shown + ": " + r.describe());
            assertTrue(r.field("errorMessage").contains(body[1]), () -> shown + ": " + r.describe());
        }
        assertEquals(before, admin.clientAttributes(realmName(), "orders-lite"));
    }

    /**
     * An administrator who may not view a client cannot tell whether it exists: the same 403 for an existing client
     * and a missing one. One who may view every client learns that one is missing (404).
     */
    @Test
    void clientIdsCannotBeProbed() {
        String querier = obo().realmAdminToken("querier", "query-clients");
        for (String path : new String[] {"clients/orders-lite", "clients/no-such-client"}) {
            HttpResult get = Http.get(obo().url(path), querier);
            assertEquals(403, get.status(), () -> path + ": " + get.describe());
            HttpResult put = Http.putJson(obo().url(path), querier, "{\"maxHops\":2}");
            assertEquals(403, put.status(), () -> path + ": " + put.describe());
        }
        assertEquals(404, Http.get(obo().url("clients/no-such-client"), admin.token()).status());
    }

    @Test
    void anUpdateIsAnAdminEventOnTheClientsPath() {
        ObjectNode realmRep = admin.getRealm(realmName());
        realmRep.put("adminEventsEnabled", true);
        realmRep.put("adminEventsDetailsEnabled", true);
        admin.updateRealm(realmName(), realmRep);
        try {
            assertEquals(200, obo().put("orders-lite", "{\"maxHops\":2}").status());
            String uuid = admin.clientUuid(realmName(), "orders-lite");
            HttpResult events = Http.get(admin.realmUrl(realmName())
                    + "/admin-events?operationTypes=UPDATE&resourceTypes=CLIENT", admin.token());
            assertEquals(200, events.status(), events::describe);
            JsonNode latest = events.json().get(0);
            assertNotNull(latest, events::describe);
            assertEquals("clients/" + uuid, latest.path("resourcePath").asText(), latest::toString);
            JsonNode representation = Json.parse(latest.path("representation").asText());
            assertEquals("2", representation.path("attributes").path("obo.max-hops").asText(), latest::toString);
            assertTrue(representation.path("secret").isMissingNode() || representation.path("secret").isNull(),
                    "the admin event carries the client secret");
        } finally {
            realmRep.put("adminEventsEnabled", false);
            admin.updateRealm(realmName(), realmRep);
            obo().put("orders-lite", "{\"maxHops\":null}");
        }
    }

    // ---------------------------------------------------------------- helpers

    private OboAdmin obo() {
        return new OboAdmin(admin, oauth, realmName());
    }

}
