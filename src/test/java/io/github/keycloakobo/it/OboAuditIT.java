package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.ORDERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Audit (design.md section 6): every exchange raises TOKEN_EXCHANGE or TOKEN_EXCHANGE_ERROR with the source as the
 * event's client and the documented details, and no token in them. The realm stores these events.
 */
class OboAuditIT extends AbstractOboIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private JsonNode awaitEvent(String type, String clientId, String subjectJti) {
        JsonNode e = admin.awaitEvent(realmName(), type, clientId,
                ev -> subjectJti.equals(ev.path("details").path("subject_token_id").asText()), WAIT);
        assertNotNull(e, () -> "no " + type + " event of " + clientId + " for the subject token "
                + admin.events(realmName(), type, null).size() + " events of that type stored");
        return e;
    }

    private static void assertNoTokenIn(JsonNode event, String... tokens) {
        String text = Json.write(event);
        for (String token : tokens) {
            assertFalse(text.contains(token), "the event contains a token");
            // nor the signature part alone
            assertFalse(text.contains(token.substring(token.lastIndexOf('.') + 1)), "the event contains a signature");
        }
        assertFalse(HttpResult.redact(text).contains("<jwt>"), "the event contains something JWT-shaped");
    }

    private static Set<String> words(String s) {
        return s == null ? Set.of() : new HashSet<>(Arrays.asList(s.trim().split("\\s+")));
    }

    @Test
    void successfulExchangeIsAuditedWithItsDetails() {
        Tokens login = login("alice", "openid inventory:read");
        Jwt subject = login.access();
        HttpResult r = oauth.exchange(ORDERS).subject(login.accessToken()).audience("inventory-api", "billing-api")
                .scope("inventory:read").send();
        Jwt t = assertExchanged(r);

        JsonNode e = awaitEvent("TOKEN_EXCHANGE", "orders-api", subject.jti());
        JsonNode d = e.path("details");
        assertEquals("orders-api", e.path("clientId").asText());
        assertEquals(admin.userId(realmName(), "alice"), e.path("userId").asText());
        assertEquals(subject.sid(), e.path("sessionId").asText());
        assertEquals("web-app", d.path("subject_token_client_id").asText(), d::toString);
        assertEquals(subject.jti(), d.path("subject_token_id").asText(), d::toString);
        assertEquals(Set.of("inventory-api", "billing-api"), words(d.path("audience").asText()), d::toString);
        assertEquals(t.scopes(), words(d.path("scope").asText()), d::toString);
        assertTrue(words(d.path("scope").asText()).contains("inventory:read"), d::toString);
        assertEquals("1", d.path("obo_hops").asText(), d::toString);
        assertEquals(OAuth.TOKEN_EXCHANGE, d.path("grant_type").asText(), d::toString);
        assertNoTokenIn(e, login.accessToken(), r.field("access_token"));
    }

    @Test
    void secondHopIsAuditedWithTwoHops() {
        Tokens login = alice();
        HttpResult first = oauth.exchange(ORDERS).subject(login.accessToken()).audience("shipping-api").send();
        Jwt hop1 = assertExchanged(first);
        HttpResult second = oauth.exchange(Clients.SHIPPING).subject(first.field("access_token"))
                .audience("inventory-api").send();
        assertExchanged(second);

        JsonNode e = awaitEvent("TOKEN_EXCHANGE", "shipping-api", hop1.jti());
        JsonNode d = e.path("details");
        assertEquals("orders-api", d.path("subject_token_client_id").asText(), d::toString);
        assertEquals("2", d.path("obo_hops").asText(), d::toString);
        assertEquals("inventory-api", d.path("audience").asText(), d::toString);
        assertNoTokenIn(e, login.accessToken(), first.field("access_token"), second.field("access_token"));
    }

    @Test
    void refusedExchangeIsAuditedWithAReason() {
        Tokens login = alice();
        Jwt subject = login.access();
        HttpResult r = oauth.exchange(ORDERS).subject(login.accessToken()).audience("reports-api").scope("profile")
                .send();
        assertError(r, 400, "invalid_target", "Audience 'reports-api' is not an allowed target of client 'orders-api'");

        JsonNode e = awaitEvent("TOKEN_EXCHANGE_ERROR", "orders-api", subject.jti());
        JsonNode d = e.path("details");
        assertEquals("orders-api", e.path("clientId").asText());
        assertEquals("invalid_target", e.path("error").asText(), e::toString);
        assertTrue(d.path("reason").asText().startsWith("audience_not_allowed: "), d::toString);
        // what was asked for, and the hop count the refused token would have had (as on success)
        assertEquals("reports-api", d.path("audience").asText(), d::toString);
        assertEquals("profile", d.path("scope").asText(), d::toString);
        assertEquals("1", d.path("obo_hops").asText(), d::toString);
        assertEquals("web-app", d.path("subject_token_client_id").asText(), d::toString);
        assertEquals(OAuth.TOKEN_EXCHANGE, d.path("grant_type").asText(), d::toString);
        assertNoTokenIn(e, login.accessToken());
    }

    @Test
    void refusedRequestWithoutAUsableSubjectTokenIsAuditedToo() throws InterruptedException {
        int before = admin.events(realmName(), "TOKEN_EXCHANGE_ERROR", "orders-api").size();
        String garbage = "not-a-token-" + System.nanoTime();
        assertError(oauth.exchange(ORDERS).subject(garbage).audience("inventory-api").send(), 400,
                "invalid_request", "The subject token is not a well-formed signed JWT");
        java.util.List<JsonNode> events = admin.events(realmName(), "TOKEN_EXCHANGE_ERROR", "orders-api");
        for (int i = 0; i < 50 && events.size() <= before; i++) {
            Thread.sleep(200);
            events = admin.events(realmName(), "TOKEN_EXCHANGE_ERROR", "orders-api");
        }
        assertTrue(events.size() > before, "no new TOKEN_EXCHANGE_ERROR event");
        JsonNode e = events.get(0); // newest first
        assertFalse(e.path("details").path("reason").asText().isBlank(), e::toString);
        assertFalse(Json.write(e).contains(garbage), "the event contains the subject token");
    }

    @Test
    void entraStyleRequestIsAuditedWithItsGrantType() {
        Tokens login = alice();
        Jwt subject = login.access();
        HttpResult r = oauth.entraOnBehalfOf(ORDERS, login.accessToken()).scope("inventory-api/.default").send();
        assertEquals(200, r.status(), r::describe);
        JsonNode e = awaitEvent("TOKEN_EXCHANGE", "orders-api", subject.jti());
        JsonNode d = e.path("details");
        assertEquals(OAuth.JWT_BEARER, d.path("grant_type").asText(), d::toString);
        assertEquals("inventory-api", d.path("audience").asText(), d::toString);
        assertNoTokenIn(e, login.accessToken(), r.field("access_token"));
    }
}
