package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloakobo.demo.DemoSettings;
import io.github.keycloakobo.demo.InventoryApi;
import io.github.keycloakobo.demo.OrdersApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The demo of issue 5, end to end on the shared test Keycloak: imports {@code realm-export/obo-demo-realm.json}
 * (the file itself) through the admin REST API, runs the demo source API ({@code orders-api}) and target API
 * ({@code inventory-api}) from {@code examples/demo-apis} in-process on free ports, and walks the flow over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoFlowIT {

    /** Fixed by the realm file; no other test uses this realm name. */
    static final String REALM = "obo-demo";
    static final String ORDERS_SECRET = "demo-orders-secret"; // demo-only, from the realm file

    private KeycloakRuntime keycloak;
    private AdminApi admin;
    private OAuth oauth;
    private InventoryApi inventory;
    private OrdersApi orders;
    private OrdersApi ordersWithWrongSecret;

    static Path realmFile() {
        return Paths.get(System.getProperty("basedir", "")).toAbsolutePath()
                .resolve("realm-export/obo-demo-realm.json");
    }

    @BeforeAll
    void importRealmAndStartApis() throws IOException {
        keycloak = TestKeycloak.get();
        admin = new AdminApi(keycloak.baseUrl());
        oauth = new OAuth(keycloak.baseUrl(), REALM);
        admin.deleteRealm(REALM); // a leftover of an aborted run on a kept server; 404 is fine
        JsonNode realm = Json.parse(Files.readString(realmFile()));
        assertEquals(REALM, realm.path("realm").asText(), "realm name in " + realmFile());
        admin.createRealm(realm);

        inventory = InventoryApi.start(DemoSettings.of(Map.of(
                DemoSettings.KEYCLOAK_URL, keycloak.baseUrl(),
                DemoSettings.INVENTORY_API_PORT, "0")));
        Map<String, String> ordersSettings = Map.of(
                DemoSettings.KEYCLOAK_URL, keycloak.baseUrl(),
                DemoSettings.ORDERS_API_PORT, "0",
                DemoSettings.INVENTORY_API_URL, inventory.url());
        orders = OrdersApi.start(DemoSettings.of(ordersSettings));
        Map<String, String> wrong = new java.util.HashMap<>(ordersSettings);
        wrong.put(DemoSettings.ORDERS_API_CLIENT_SECRET, "not-the-secret");
        ordersWithWrongSecret = OrdersApi.start(DemoSettings.of(wrong));
    }

    @AfterAll
    void stopApisAndDeleteRealm() {
        for (AutoCloseable api : new AutoCloseable[] {ordersWithWrongSecret, orders, inventory}) {
            if (api != null) {
                try {
                    api.close();
                } catch (Exception e) {
                    // keep closing the others
                }
            }
        }
        if (admin != null && !ItConfig.keepRealms()) {
            admin.deleteRealm(REALM);
        }
    }

    private Tokens login(String user) {
        return oauth.login("demo-app", user, user, "openid");
    }

    private HttpResult callOrders(OrdersApi api, String token) {
        return Http.get(api.url() + "/orders", token);
    }

    // ------------------------------------------------------------------------------------------------- the flow

    @Test
    void aliceGetsHerStockThroughAnOnBehalfOfExchange() {
        // 1-2: alice logs in at demo-app; her token is meant for orders-api only
        Tokens login = login("alice");
        Jwt user = login.access();
        assertEquals("demo-app", user.azp());
        assertEquals("Bearer", user.typ());
        assertTrue(user.aud().contains("orders-api"), user::toString);
        assertFalse(user.aud().contains("inventory-api"), () -> "the user token must not reach the target: " + user);
        assertFalse(user.has("obo_path"), user::toString);

        // 3-7: demo-app calls orders-api, which exchanges the token and calls inventory-api with the new one
        HttpResult r = callOrders(orders, login.accessToken());
        assertEquals(200, r.status(), r::describe);
        JsonNode body = r.json();
        assertEquals("orders-api", body.path("served_by").asText(), r::describe);
        assertEquals(user.sub(), body.path("user").path("sub").asText(), r::describe);

        // the exchange answer as orders-api got it
        JsonNode exchange = body.path("token_exchange");
        assertEquals(OAuth.ACCESS_TOKEN_TYPE, exchange.path("issued_token_type").asText(), r::describe);
        assertTrue("Bearer".equalsIgnoreCase(exchange.path("token_type").asText()), r::describe);
        assertTrue(exchange.path("expires_in").asLong() > 0, r::describe);

        // the exchanged token's claims
        JsonNode after = exchange.path("exchanged_token_claims");
        assertEquals(List.of("inventory-api"), strings(after.path("aud")), () -> "aud: " + after);
        assertEquals("orders-api", after.path("azp").asText(), () -> "azp: " + after);
        assertEquals(user.sub(), after.path("sub").asText(), "same user");
        assertEquals(user.sid(), after.path("sid").asText(), "same session");
        assertEquals(List.of("orders-api"), strings(after.path("obo_path")), () -> "obo_path: " + after);
        assertEquals("Bearer", after.path("typ").asText());
        assertEquals(user.string("iss"), after.path("iss").asText());
        assertTrue(after.path("exp").asLong() <= user.exp(), "never outlives the subject token");
        assertFalse(after.has("act") || after.has("may_act"), () -> "impersonation, not delegation: " + after);
        // orders-api's role scope allows stock.read only, although alice also has stock.write
        assertEquals(Set.of("inventory-api"), Set.copyOf(fieldNames(after.path("resource_access"))),
                () -> "resource_access: " + after.path("resource_access"));
        assertEquals(List.of("stock.read"), strings(after.path("resource_access").path("inventory-api").path("roles")),
                () -> "resource_access: " + after.path("resource_access"));

        // 8: the target's answer: stock levels, and whom it served (from the token it validated)
        JsonNode stock = body.path("inventory");
        assertTrue(stock.path("items").isArray() && stock.path("items").size() > 0, r::describe);
        JsonNode served = stock.path("served");
        assertEquals("inventory-api", served.path("api").asText(), r::describe);
        assertEquals(user.sub(), served.path("sub").asText(), r::describe);
        assertEquals("alice", served.path("preferred_username").asText(), r::describe);
        assertEquals("orders-api", served.path("azp").asText(), r::describe);
        assertEquals(List.of("inventory-api"), strings(served.path("aud")), r::describe);
        assertEquals(List.of("orders-api"), strings(served.path("obo_path")), r::describe);
        assertEquals(List.of("stock.read"), strings(served.path("roles")), r::describe);
        assertEquals(3, body.path("orders").size(), r::describe);

        // Keycloak audited the exchange, with the source as the event's client
        JsonNode event = admin.awaitEvent(REALM, "TOKEN_EXCHANGE", "orders-api",
                e -> user.sub().equals(e.path("userId").asText()), Duration.ofSeconds(10));
        assertNotNull(event, "no TOKEN_EXCHANGE event for orders-api");
        assertEquals("inventory-api", event.path("details").path("audience").asText(), event::toString);
    }

    @Test
    void theSameCallerTokenIsExchangedOnceAndTheExchangedTokenReused() {
        Tokens alice = login("alice");
        HttpResult first = callOrders(orders, alice.accessToken());
        HttpResult second = callOrders(orders, alice.accessToken());
        assertEquals(200, first.status(), first::describe);
        assertEquals(200, second.status(), second::describe);
        assertEquals("miss", first.json().path("token_exchange").path("cache").asText(), first::describe);
        assertEquals("hit", second.json().path("token_exchange").path("cache").asText(), second::describe);
        String jti = first.json().path("token_exchange").path("exchanged_token_claims").path("jti").asText();
        assertEquals(jti, second.json().path("token_exchange").path("exchanged_token_claims").path("jti").asText(),
                "the second request is served with the same exchanged token");

        // Keycloak saw one exchange of alice's token by orders-api: a marker exchange of the same token, awaited,
        // is the second (so every earlier one is stored)
        HttpResult marker = oauth.exchange(ClientAuth.basic("orders-api", ORDERS_SECRET)).subject(alice.accessToken())
                .audience("inventory-api").send();
        assertEquals(200, marker.status(), marker::describe);
        String subjectJti = alice.access().jti();
        List<JsonNode> exchanges = List.of();
        for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < end; ) {
            exchanges = admin.events(REALM, "TOKEN_EXCHANGE", "orders-api").stream()
                    .filter(e -> subjectJti.equals(e.path("details").path("subject_token_id").asText())).toList();
            if (exchanges.size() >= 2) {
                break;
            }
            sleep(200);
        }
        assertEquals(2, exchanges.size(), "TOKEN_EXCHANGE events of alice's token (with the marker): " + exchanges);

        // another token of the same user is another cache entry
        HttpResult other = callOrders(orders, login("alice").accessToken());
        assertEquals("miss", other.json().path("token_exchange").path("cache").asText(), other::describe);
    }

    @Test
    void bobWithoutStockReadGetsTheTargets403RelayedByTheSource() {
        Tokens bob = login("bob");
        HttpResult r = callOrders(orders, bob.accessToken());
        assertEquals(403, r.status(), r::describe);
        assertEquals("inventory-api", r.field("stage"), r::describe);
        assertEquals("insufficient_scope", r.field("error"), r::describe);
        assertEquals(403, r.json().path("upstream_status").asInt(), r::describe);
        assertTrue(r.field("error_description").contains("stock.read"), r::describe);
    }

    /** Steps 4-7 of the curl walkthrough: the exchange by hand; the target takes its result, not the user token. */
    @Test
    void targetAcceptsTheExchangedTokenButNotTheUserToken() {
        Tokens alice = login("alice");
        HttpResult exchanged = oauth.exchange(ClientAuth.basic("orders-api", ORDERS_SECRET))
                .subject(alice.accessToken())
                .audience("inventory-api")
                .send();
        assertEquals(200, exchanged.status(), exchanged::describe);
        String inventoryToken = exchanged.field("access_token");

        HttpResult ok = Http.get(inventory.url() + "/stock", inventoryToken);
        assertEquals(200, ok.status(), ok::describe);
        HttpResult one = Http.get(inventory.url() + "/stock/TEA-001", inventoryToken);
        assertEquals(200, one.status(), one::describe);
        assertEquals("TEA-001", one.json().path("item").path("sku").asText(), one::describe);

        HttpResult wrongAudience = Http.get(inventory.url() + "/stock", alice.accessToken());
        assertEquals(401, wrongAudience.status(), wrongAudience::describe);
        assertEquals("invalid_token", wrongAudience.field("error"), wrongAudience::describe);
        assertTrue(wrongAudience.field("error_description").contains("aud claim rejected"), wrongAudience::describe);
        assertTrue(wrongAudience.header("WWW-Authenticate").orElse("").startsWith("Bearer"), wrongAudience::describe);

        // and the source API does not take the exchanged token either (it is not for orders-api)
        HttpResult notForOrders = callOrders(orders, inventoryToken);
        assertEquals(401, notForOrders.status(), notForOrders::describe);
    }

    @Test
    void sourceWithoutTokenIs401() {
        HttpResult r = Http.get(orders.url() + "/orders", null);
        assertEquals(401, r.status(), r::describe);
        assertTrue(r.header("WWW-Authenticate").orElse("").startsWith("Bearer"), r::describe);
        HttpResult garbage = callOrders(orders, "not-a-jwt");
        assertEquals(401, garbage.status(), garbage::describe);
        assertEquals("invalid_token", garbage.field("error"), garbage::describe);
        assertTrue(garbage.field("error_description").contains("malformed token"), garbage::describe);
    }

    @Test
    void exchangeRefusedByKeycloakIsRelayedAs403WithTheOAuthError() {
        Map<String, String> previous = admin.setClientAttributes(REALM, "orders-api",
                Map.of("obo.audiences", "some-other-api"));
        try {
            HttpResult r = callOrders(orders, login("alice").accessToken());
            assertEquals(403, r.status(), r::describe);
            assertEquals("token-exchange", r.field("stage"), r::describe);
            assertEquals("invalid_target", r.field("error"), r::describe);
            // Keycloak's answer, relayed by the source
            assertTrue(r.field("error_description").contains("Audience 'inventory-api' is not an allowed target of "
                    + "client 'orders-api'"), r::describe);
            assertEquals(400, r.json().path("upstream_status").asInt(), r::describe);
        } finally {
            admin.setClientAttributes(REALM, "orders-api", previous);
        }
    }

    @Test
    void sourceThatCannotAuthenticateAtKeycloakAnswers502() {
        HttpResult r = callOrders(ordersWithWrongSecret, login("alice").accessToken());
        assertEquals(502, r.status(), r::describe);
        assertEquals("token-exchange", r.field("stage"), r::describe);
        assertEquals(401, r.json().path("upstream_status").asInt(), r::describe);
        assertEquals("unauthorized_client", r.field("error"), r::describe);
        assertTrue(r.field("error_description").contains("Invalid client or Invalid client credentials"),
                r::describe);
    }

    private static List<String> strings(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        return Json.strings(node);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
