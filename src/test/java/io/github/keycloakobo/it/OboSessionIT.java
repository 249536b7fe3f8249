package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.INVENTORY;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exchanged tokens live and die with the user's session. */
class OboSessionIT extends AbstractOboIT {

    @Test
    void afterTheUserIsLoggedOutExchangesFailAndExchangedTokensAreInactive() {
        Tokens login = login("carol", "openid");
        HttpResult r = oauth.exchange(ORDERS).subject(login.accessToken()).audience("inventory-api").send();
        Jwt t = assertExchanged(r);
        assertEquals(login.access().sid(), t.sid());
        assertActive(oauth.introspect(INVENTORY, r.field("access_token")), true);

        admin.logoutUser(realmName(), "carol");

        assertActive(oauth.introspect(INVENTORY, r.field("access_token")), false);
        assertError(oauth.exchange(ORDERS).subject(login.accessToken()).audience("inventory-api").send(), 400,
                "invalid_request", "The subject token's user session is not active");
    }

    @Test
    void endingOneSessionLeavesTheUsersOtherSessionsWorking() {
        Tokens first = alice();
        Tokens second = alice();
        HttpResult r1 = oauth.exchange(ORDERS).subject(first.accessToken()).audience("inventory-api").send();
        HttpResult r2 = oauth.exchange(ORDERS).subject(second.accessToken()).audience("inventory-api").send();
        assertExchanged(r1);
        assertExchanged(r2);

        admin.deleteSession(realmName(), first.access().sid());

        assertActive(oauth.introspect(INVENTORY, r1.field("access_token")), false);
        assertError(oauth.exchange(ORDERS).subject(first.accessToken()).audience("inventory-api").send(), 400,
                "invalid_request", "The subject token's user session is not active");
        assertActive(oauth.introspect(INVENTORY, r2.field("access_token")), true);
        assertExchanged(oauth.exchange(ORDERS).subject(second.accessToken()).audience("inventory-api").send());
    }
}
