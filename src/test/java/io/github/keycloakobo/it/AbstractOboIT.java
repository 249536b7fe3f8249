package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Base of the integration tests: one fresh realm per test class on the shared server, plus assertion helpers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractOboIT {

    protected TestRealm realm;
    protected OAuth oauth;
    protected AdminApi admin;

    @BeforeAll
    void createRealm() {
        realm = TestRealm.create(getClass().getSimpleName());
        oauth = realm.oauth();
        admin = realm.admin();
    }

    @AfterAll
    void deleteRealm() {
        if (realm != null && !ItConfig.keepRealms()) {
            realm.delete();
        }
    }

    protected String realmName() {
        return realm.name();
    }

    /** Login of a user (password = username) at web-app with {@code scope}. */
    protected Tokens login(String user, String scope) {
        return oauth.login(Clients.WEB_APP, user, user, scope);
    }

    /** Waits until {@code token}'s own exp has passed (nothing to poll: only time makes a token expire). */
    protected static void awaitExpiry(Jwt token) throws InterruptedException {
        long left = (token.exp() + 1) * 1000 - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    /** Alice's web-app login with {@code scope=openid}. */
    protected Tokens alice() {
        return login("alice", "openid");
    }

    protected String aliceToken() {
        return alice().accessToken();
    }

    /**
     * Asserts an OAuth error answer: status, {@code error}, a JSON body and no token. Prefer
     * {@link #assertError(HttpResult, int, String, String)}, which also checks what the refusal says.
     */
    protected static void assertError(HttpResult r, int status, String error) {
        assertEquals(status, r.status(), () -> "status of " + r.describe());
        assertEquals(error, r.field("error"), () -> "error of " + r.describe());
        assertFalse(r.has("access_token"), () -> "an error answer carries a token: " + r.describe());
        assertFalse(r.has("refresh_token"), () -> "an error answer carries a refresh token: " + r.describe());
    }

    /**
     * Asserts an OAuth error answer (as {@link #assertError(HttpResult, int, String)}) whose
     * {@code error_description} contains {@code description}: the rule that refused the request, not just any text.
     */
    protected static void assertError(HttpResult r, int status, String error, String description) {
        assertError(r, status, error);
        String actual = r.field("error_description");
        assertTrue(actual != null && actual.contains(description),
                () -> "error_description should contain '" + description + "': " + r.describe());
    }

    /**
     * Asserts a successful exchange answer per design section 5 (access token, issued type access_token, Bearer,
     * expires_in consistent with exp, no refresh or ID token) and answers the decoded token.
     */
    protected static Jwt assertExchanged(HttpResult r) {
        assertEquals(200, r.status(), () -> "exchange failed: " + r.describe());
        assertTrue(r.has("access_token"), () -> "no access_token: " + r.describe());
        assertEquals(OAuth.ACCESS_TOKEN_TYPE, r.field("issued_token_type"), () -> r.describe());
        assertTrue("Bearer".equalsIgnoreCase(r.field("token_type")), () -> "token_type: " + r.describe());
        assertFalse(r.has("refresh_token"), () -> "unexpected refresh_token: " + r.describe());
        assertFalse(r.has("id_token"), () -> "unexpected id_token: " + r.describe());
        Jwt t = Jwt.parse(r.field("access_token"));
        assertTrue(r.has("expires_in"), () -> "no expires_in: " + r.describe());
        long expiresIn = r.json().get("expires_in").asLong();
        long now = System.currentTimeMillis() / 1000;
        long left = t.exp() - now;
        assertTrue(Math.abs(expiresIn - left) <= 5,
                () -> "expires_in " + expiresIn + " but exp is " + left + " s away: " + r.describe());
        assertFalse(t.has("act"), () -> "exchanged token carries act: " + t);
        assertFalse(t.has("may_act"), () -> "exchanged token carries may_act: " + t);
        return t;
    }

    protected static void assertAud(Jwt t, String... expected) {
        assertEquals(Set.of(expected), t.aud(), () -> "aud of " + t);
    }

    protected static void assertActive(HttpResult introspection, boolean active) {
        assertEquals(200, introspection.status(), () -> "introspection: " + introspection.describe());
        if (active != introspection.json().path("active").asBoolean(false)) {
            fail("expected active=" + active + ": " + introspection.describe());
        }
    }
}
