package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin REST resource {@code /admin/realms/{realm}/obo/clients} (issue 4): reading and updating clients' OBO
 * rules with Keycloak's admin permissions, and input validation that leaves nothing half-saved. Each test starts from
 * the realm file's rules: whatever a test changes is put back after it ({@link #restoreClients()}), so the tests pass
 * in any order.
 */
class OboAdminResourceIT extends AbstractOboIT {

    /** The clients whose attributes some test here changes. */
    private static final List<String> CHANGED_CLIENTS = List.of("plain-api", "orders-api", "orders-lite");

    private String noRoles;
    private String viewer;
    private final Map<String, Map<String, String>> originalAttributes = new LinkedHashMap<>();
    private final List<String> usersToDelete = new ArrayList<>();

    @BeforeAll
    void createRealmAdmins() {
        noRoles = realmUserToken("no-roles");
        viewer = realmUserToken("viewer", "view-clients");
        usersToDelete.clear();
        for (String clientId : CHANGED_CLIENTS) {
            originalAttributes.put(clientId, admin.clientAttributes(realmName(), clientId));
        }
    }

    /** Puts back every attribute of the changed clients as the realm file set it, and deletes the test's users. */
    @AfterEach
    void restoreClients() {
        originalAttributes.forEach((clientId, original) -> {
            Map<String, String> now = admin.clientAttributes(realmName(), clientId);
            if (!now.equals(original)) {
                Map<String, String> restore = new HashMap<>(original);
                now.keySet().forEach(k -> restore.putIfAbsent(k, null)); // null removes an attribute added since
                admin.setClientAttributes(realmName(), clientId, restore);
            }
            assertEquals(original, admin.clientAttributes(realmName(), clientId), () -> clientId + " not restored");
        });
        for (String username : usersToDelete) {
            Http.delete(admin.realmUrl(realmName()) + "/users/" + admin.userId(realmName(), username), admin.token());
        }
        usersToDelete.clear();
    }

    // ---------------------------------------------------------------- reading

    @Test
    void listShowsEveryOboClientWithItsRules() {
        HttpResult r = Http.get(obo().url("clients"), admin.token());
        assertEquals(200, r.status(), r::describe);
        List<String> ids = new ArrayList<>();
        r.json().forEach(c -> ids.add(c.get("clientId").asText()));
        assertEquals(List.of("billing-api", "loop-a", "loop-b", "orders-api", "orders-lite", "public-obo",
                "reports-api", "shipping-api"), ids, r::describe);

        JsonNode lite = OboAdmin.find(r.json(), "orders-lite");
        assertEquals(Json.parse("{\"clientId\":\"orders-lite\",\"enabled\":true,\"audiences\":[\"inventory-api\"],"
                + "\"scopes\":[\"openid\",\"profile\",\"inventory:read\"],\"maxHops\":1,\"tokenLifetime\":60,"
                + "\"refreshToken\":false,\"resources\":[]}"), lite);
        JsonNode reports = OboAdmin.find(r.json(), "reports-api");
        assertTrue(reports.get("refreshToken").asBoolean(), reports::toString);
        assertTrue(reports.get("scopes").isNull(), reports::toString);
        assertTrue(reports.get("tokenLifetime").isNull(), reports::toString);
        assertEquals(3, OboAdmin.find(r.json(), "loop-a").get("maxHops").asInt());
    }

    @Test
    void oneClientCanBeReadEvenWhenNotEnabled() {
        HttpResult r = Http.get(obo().url("clients/batch-job"), admin.token());
        assertEquals(200, r.status(), r::describe);
        assertEquals(Json.parse("{\"clientId\":\"batch-job\",\"enabled\":false,\"audiences\":[],\"scopes\":null,"
                + "\"maxHops\":1,\"tokenLifetime\":null,\"refreshToken\":false,\"resources\":[]}"), r.json());

        HttpResult missing = Http.get(obo().url("clients/no-such-client"), admin.token());
        assertEquals(404, missing.status(), missing::describe);
        assertEquals("Client 'no-such-client' not found", missing.field("errorMessage"));
    }

    // ---------------------------------------------------------------- updating

    @Test
    void putEnablesAClientAndTheExchangeFollowsTheNewRules() {
        HttpResult r = obo().put("plain-api", "{\"enabled\":true,\"audiences\":[\"inventory-api\"],\"maxHops\":2,"
                + "\"tokenLifetime\":120,\"scopes\":[\"openid\",\"profile\",\"email\"],\"refreshToken\":false}");
        assertEquals(200, r.status(), r::describe);
        assertEquals(Json.parse("{\"clientId\":\"plain-api\",\"enabled\":true,\"audiences\":[\"inventory-api\"],"
                + "\"scopes\":[\"openid\",\"profile\",\"email\"],\"maxHops\":2,\"tokenLifetime\":120,"
                + "\"refreshToken\":false,\"resources\":[]}"), r.json());
        Map<String, String> attrs = admin.clientAttributes(realmName(), "plain-api");
        assertEquals("true", attrs.get("obo.enabled"));
        assertEquals("inventory-api", attrs.get("obo.audiences"));
        assertEquals("2", attrs.get("obo.max-hops"));
        assertEquals("120", attrs.get("obo.token-lifetime"));
        assertEquals("openid profile email", attrs.get("obo.scopes"));
        assertEquals(r.json(), Http.get(obo().url("clients/plain-api"), admin.token()).json());

        // web-app's tokens carry aud plain-api: plain-api now exchanges them for inventory-api
        Jwt t = assertExchanged(oauth.exchange(ClientAuth.basic("plain-api", "plain-secret")).subject(aliceToken())
                .send());
        assertAud(t, "inventory-api");
        assertTrue(t.exp() - t.iat() <= 120, t::toString);

        // a partial update changes only what it names; null restores the default
        HttpResult partial = obo().put("plain-api", "{\"tokenLifetime\":null,\"maxHops\":3}");
        assertEquals(200, partial.status(), partial::describe);
        assertTrue(partial.json().get("tokenLifetime").isNull(), partial::describe);
        assertEquals(3, partial.json().get("maxHops").asInt());
        assertEquals("inventory-api", partial.json().get("audiences").get(0).asText());
        assertEquals(null, admin.clientAttributes(realmName(), "plain-api").get("obo.token-lifetime"));

        // a GET answer can be sent back as is
        assertEquals(200, obo().put("plain-api", Json.write(partial.json())).status());
    }

    @Test
    void badInputIsRefusedWithJsonAndNothingIsWritten() {
        Map<String, String> before = admin.clientAttributes(realmName(), "orders-api");
        // body -> what its errorMessage must say
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"audiences\":[\"inventory-api\",\"no-such-client\"]}", "Unknown target client 'no-such-client'");
        bodies.put("{\"maxHops\":\"abc\"}", "maxHops must be a whole number of at least 1");
        bodies.put("{\"maxHops\":0}", "maxHops must be a whole number of at least 1");
        bodies.put("{\"maxHops\":-2}", "maxHops must be a whole number of at least 1");
        bodies.put("{\"tokenLifetime\":0}", "tokenLifetime must be a whole number of seconds");
        bodies.put("{\"tokenLifetime\":\"sixty\"}", "tokenLifetime must be a whole number of seconds");
        bodies.put("{\"tokenLifetime\":1.5}", "tokenLifetime must be a whole number of seconds");
        bodies.put("{\"colour\":\"red\"}", "Unknown field 'colour'");
        bodies.put("{\"clientId\":\"billing-api\"}", "clientId is read-only");
        bodies.put("{\"enabled\":\"yes\"}", "enabled must be true, false or null");
        bodies.put("{\"scopes\":[]}", "scopes must name at least one scope");
        bodies.put("{\"audiences\":\"inventory-api\"}", "audiences must be a JSON array of strings");
        // valid fields next to an invalid one: none of them is written
        bodies.put("{\"enabled\":false,\"audiences\":[\"billing-api\"],\"maxHops\":5,\"tokenLifetime\":-1}",
                "tokenLifetime must be a whole number of seconds");
        bodies.put("{not json", "not one JSON object (invalid JSON");
        bodies.put("[]", "must be a JSON object");
        bodies.put("", "must be a JSON object");
        bodies.forEach((body, message) -> {
            HttpResult r = obo().put("orders-api", body);
            assertEquals(400, r.status(), () -> body + " -> " + r.describe());
            assertNotNull(r.field("errorMessage"), () -> body + " -> " + r.describe());
            assertTrue(r.field("errorMessage").contains(message), () -> body + " -> " + r.describe());
            assertEquals(before, admin.clientAttributes(realmName(), "orders-api"), () -> "attributes changed by "
                    + body);
        });
        HttpResult several = obo().put("orders-api", "{\"maxHops\":0,\"audiences\":[\"ghost\"],\"x\":1}");
        assertEquals(3, several.json().get("errors").size(), several::describe);
        assertTrue(several.field("errorMessage").contains("Unknown target client 'ghost'"), several::describe);

        HttpResult publicClient = obo().put("web-app", "{\"enabled\":true}");
        assertEquals(400, publicClient.status(), publicClient::describe);
        assertTrue(publicClient.field("errorMessage").contains("Client 'web-app' is public"), publicClient::describe);
        HttpResult missing = obo().put("no-such-client", "{\"enabled\":true}");
        assertEquals(404, missing.status(), missing::describe);
        assertEquals("Client 'no-such-client' not found", missing.field("errorMessage"), missing::describe);
    }

    // ---------------------------------------------------------------- permissions

    @Test
    void anAdminWithoutClientRolesIsForbidden() {
        Map<String, String> before = admin.clientAttributes(realmName(), "orders-lite");
        assertEquals(403, Http.get(obo().url("clients"), noRoles).status());
        assertEquals(403, Http.get(obo().url("clients/orders-lite"), noRoles).status());
        assertEquals(403, Http.get(obo().url("clients/no-such-client"), noRoles).status());
        assertEquals(403, Http.putJson(obo().url("clients/orders-lite"), noRoles, "{\"maxHops\":2}").status());
        assertEquals(401, Http.get(obo().url("clients"), null).status());
        assertEquals(before, admin.clientAttributes(realmName(), "orders-lite"));
    }

    @Test
    void viewClientsMayReadButNotWrite() {
        Map<String, String> before = admin.clientAttributes(realmName(), "orders-lite");
        HttpResult list = Http.get(obo().url("clients"), viewer);
        assertEquals(200, list.status(), list::describe);
        assertNotNull(OboAdmin.find(list.json(), "orders-lite"));
        assertEquals(200, Http.get(obo().url("clients/orders-lite"), viewer).status());
        HttpResult put = Http.putJson(obo().url("clients/orders-lite"), viewer, "{\"maxHops\":2}");
        assertEquals(403, put.status(), put::describe);
        assertEquals(before, admin.clientAttributes(realmName(), "orders-lite"));

        String manager = realmUserToken("manager", "manage-clients");
        HttpResult managed = Http.putJson(obo().url("clients/orders-lite"), manager, "{\"maxHops\":2}");
        assertEquals(200, managed.status(), managed::describe);
        assertEquals(2, managed.json().get("maxHops").asInt());
        assertEquals(200, obo().put("orders-lite", "{\"maxHops\":null}").status());
    }

    // ---------------------------------------------------------------- helpers

    private OboAdmin obo() {
        return new OboAdmin(admin, oauth, realmName());
    }


    /** A realm-local administrator with these roles (deleted after the test), and an access token for it. */
    private String realmUserToken(String username, String... realmManagementRoles) {
        usersToDelete.add(username);
        return obo().realmAdminToken(username, realmManagementRoles);
    }
}
