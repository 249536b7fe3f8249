package io.github.keycloakobo.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OboRulesUpdate} and {@link OboClientRules}: the admin REST resource's body and answer. */
class OboRulesUpdateTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> CLIENTS = Set.of("inventory-api", "billing-api", "orders-api");

    private static OboRulesUpdate parse(String json) throws Exception {
        return OboRulesUpdate.parse("orders-api", MAPPER.readTree(json), false, CLIENTS::contains);
    }

    @Test
    void everyFieldMapsToItsAttribute() throws Exception {
        OboRulesUpdate u = parse("{\"clientId\":\"orders-api\",\"enabled\":true,\"audiences\":[\"inventory-api\","
                + "\"billing-api\"],\"scopes\":[\"openid\",\"inventory:read\"],\"maxHops\":2,\"tokenLifetime\":60,"
                + "\"refreshToken\":false,\"errors\":{\"x\":\"ignored\"}}");
        assertTrue(u.valid(), u.problems()::toString);
        Map<String, String> expected = new HashMap<>();
        expected.put("obo.enabled", "true");
        expected.put("obo.audiences", "inventory-api billing-api");
        expected.put("obo.scopes", "openid inventory:read");
        expected.put("obo.max-hops", "2");
        expected.put("obo.token-lifetime", "60");
        expected.put("obo.refresh-token", "false");
        assertEquals(expected, u.changes());
    }

    @Test
    void nullResetsAndAbsentFieldsStay() throws Exception {
        OboRulesUpdate u = parse("{\"scopes\":null,\"tokenLifetime\":null,\"audiences\":[]}");
        Map<String, String> expected = new HashMap<>();
        expected.put("obo.scopes", null);
        expected.put("obo.token-lifetime", null);
        expected.put("obo.audiences", null);
        assertEquals(expected, u.changes());
    }

    @Test
    void everyProblemIsReportedAndNothingIsChanged() throws Exception {
        OboRulesUpdate u = parse("{\"clientId\":\"other\",\"enabled\":\"yes\",\"audiences\":[\"ghost-api\","
                + "\"inventory-api\"],\"scopes\":[],\"maxHops\":0,\"tokenLifetime\":\"abc\",\"refreshToken\":1,"
                + "\"colour\":\"red\"}");
        assertFalse(u.valid());
        assertEquals(8, u.problems().size(), u.problems()::toString);
        assertTrue(u.problems().toString().contains("Unknown target client 'ghost-api'"), u.problems()::toString);
        assertTrue(u.problems().toString().contains("Unknown field 'colour'"), u.problems()::toString);
    }

    @Test
    void numbersMustBeWholeAndPositive() throws Exception {
        for (String bad : new String[] {"-1", "0", "1.5", "\"2\"", "[2]", "99999999999", "true"}) {
            OboRulesUpdate u = parse("{\"maxHops\":" + bad + "}");
            assertFalse(u.valid(), bad);
            assertEquals("maxHops", u.problems().get(0).field());
        }
    }

    @Test
    void aPublicClientCannotBeEnabledAndABodyMustBeAnObject() throws Exception {
        assertFalse(OboRulesUpdate.parse("p", MAPPER.readTree("{\"enabled\":true}"), true, CLIENTS::contains).valid());
        assertTrue(OboRulesUpdate.parse("p", MAPPER.readTree("{\"enabled\":false}"), true, CLIENTS::contains).valid());
        assertFalse(OboRulesUpdate.parse("p", MAPPER.readTree("[1]"), false, CLIENTS::contains).valid());
        assertFalse(OboRulesUpdate.parse("p", (JsonNode) null, false, CLIENTS::contains).valid());
        assertFalse(parse("{\"audiences\":\"inventory-api\"}").valid());
        assertFalse(parse("{\"audiences\":[\"a b\"]}").valid());
    }

    @Test
    void rulesShowDefaultsAndMalformedAttributes() {
        Map<String, String> attrs = Map.of("obo.enabled", "true", "obo.audiences", "a b", "obo.max-hops", "x");
        Map<String, Object> rules = OboClientRules.of("c", attrs::get);
        assertEquals("c", rules.get("clientId"));
        assertEquals(true, rules.get("enabled"));
        assertEquals(java.util.List.of("a", "b"), rules.get("audiences"));
        assertEquals(null, rules.get("scopes"));
        assertEquals(null, rules.get("maxHops"));
        assertEquals(null, rules.get("tokenLifetime"));
        assertEquals(false, rules.get("refreshToken"));
        assertTrue(rules.get("errors").toString().contains("obo.max-hops is 'x'"), rules::toString);
        Map<String, Object> plain = OboClientRules.of("d", k -> null);
        assertEquals(1, plain.get("maxHops"));
        assertFalse(plain.containsKey("errors"));
    }

    @Test
    void resourcesAreAbsoluteUrisWithoutFragments() throws Exception {
        OboRulesUpdate ok = parse("{\"resources\":[\"https://inventory.example.com/api\",\"urn:demo:inventory\"]}");
        assertTrue(ok.valid(), ok.problems()::toString);
        assertEquals("https://inventory.example.com/api urn:demo:inventory", ok.changes().get("obo.resource"));
        for (String bad : new String[] {"/api", "inventory", "https://x.example.com/#frag"}) {
            OboRulesUpdate u = parse("{\"resources\":[\"" + bad + "\"]}");
            assertFalse(u.valid(), bad);
            assertEquals("resources", u.problems().get(0).field());
        }
        assertEquals(null, parse("{\"resources\":null}").changes().get("obo.resource"));
        assertEquals(java.util.List.of("urn:a"), OboClientRules.of("t", Map.of("obo.resource", "urn:a")::get)
                .get("resources"));
    }
}
