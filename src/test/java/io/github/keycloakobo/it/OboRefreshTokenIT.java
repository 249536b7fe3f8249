package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.INVENTORY;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.REPORTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code requested_token_type=refresh_token}: refused by default, allowed with {@code obo.refresh-token}. */
class OboRefreshTokenIT extends AbstractOboIT {

    private static final long SSO_SESSION_IDLE = 1800; // realm template

    @Test
    void refreshTokenIsRefusedWithoutOboRefreshToken() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api")
                .requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send(), 400, "invalid_request");
    }

    @Test
    void allowedClientGetsARefreshTokenWhoseRefreshesKeepAudienceScopeAndPath() {
        Tokens login = login("alice", "openid inventory:read");
        HttpResult r = oauth.exchange(REPORTS).subject(login.accessToken()).audience("inventory-api")
                .scope("inventory:read").requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send();
        assertEquals(200, r.status(), r::describe);
        assertEquals(OAuth.REFRESH_TOKEN_TYPE, r.field("issued_token_type"), r::describe);
        assertTrue(r.has("refresh_token"), r::describe);
        assertTrue(r.has("access_token"), r::describe);
        assertFalse(r.has("id_token"), r::describe);

        Jwt at = Jwt.parse(r.field("access_token"));
        assertAud(at, "inventory-api");
        assertEquals(List.of("reports-api"), at.oboPath());
        assertTrue(at.scopes().contains("inventory:read"), at::toString);
        assertTrue(at.exp() <= login.access().exp());

        Jwt rt = Jwt.parse(r.field("refresh_token"));
        long now = System.currentTimeMillis() / 1000;
        assertTrue(rt.exp() <= now + SSO_SESSION_IDLE + 5, () -> "refresh token outlives the session: " + rt);
        assertEquals(login.access().sid(), rt.sid());

        HttpResult refreshed = oauth.refresh(REPORTS, r.field("refresh_token"));
        assertEquals(200, refreshed.status(), refreshed::describe);
        Jwt at2 = Jwt.parse(refreshed.field("access_token"));
        assertAud(at2, "inventory-api");
        assertEquals(at.scopes(), at2.scopes());
        assertEquals(List.of("reports-api"), at2.oboPath());
        assertEquals(at.sub(), at2.sub());
        assertEquals(at.sid(), at2.sid());
        assertEquals("reports-api", at2.azp());
        assertFalse(at2.has("act"));
        assertActive(oauth.introspect(INVENTORY, refreshed.field("access_token")), true);

        // and a refresh of the refresh token's successor keeps them too
        if (refreshed.has("refresh_token")) {
            HttpResult again = oauth.refresh(REPORTS, refreshed.field("refresh_token"));
            assertEquals(200, again.status(), again::describe);
            Jwt at3 = Jwt.parse(again.field("access_token"));
            assertAud(at3, "inventory-api");
            assertEquals(at.scopes(), at3.scopes());
            assertEquals(List.of("reports-api"), at3.oboPath());
        }
    }

    @Test
    void refreshTokenDiesWithTheSession() {
        Tokens login = alice();
        HttpResult r = oauth.exchange(REPORTS).subject(login.accessToken()).audience("inventory-api")
                .requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send();
        assertEquals(200, r.status(), r::describe);
        admin.deleteSession(realmName(), login.access().sid());
        HttpResult refreshed = oauth.refresh(REPORTS, r.field("refresh_token"));
        assertError(refreshed, 400, "invalid_grant");
    }

    @Test
    void withoutRequestedTokenTypeTheAllowedClientGetsNoRefreshToken() {
        Jwt t = assertExchanged(oauth.exchange(REPORTS).subject(aliceToken()).audience("inventory-api").send());
        assertAud(t, "inventory-api");
    }
}
