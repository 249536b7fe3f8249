package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.BATCH;
import static io.github.keycloakobo.it.Clients.BILLING;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subject tokens that must be refused with {@code invalid_request}: invalid, foreign, expired, revoked, of a gone
 * session or disabled user, not an access token, without a user, not issued for the requester, or a delegation
 * token. Variants of real tokens are made with an RSA key this test installs as the realm's active signing key, so
 * that each carries exactly one defect; every such test first shows that the unmodified copy is accepted.
 */
class OboSubjectTokenIT extends AbstractOboIT {

    private static final String MALFORMED = "The subject token is not a well-formed signed JWT";
    private static final String OTHER_ISSUER = "The subject token was not issued by this realm";
    private static final String BAD_SIGNATURE = "The subject token's signature is invalid";
    private static final String DELEGATION = "The subject token is a delegation token (act/may_act)";

    private RSAPrivateKey realmKey;
    private String realmKid;
    private TestRealm otherRealm;

    @BeforeAll
    void installSigningKey() throws NoSuchAlgorithmException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        realmKey = (RSAPrivateKey) pair.getPrivate();
        realmKid = admin.addRsaSigningKey(realmName(), Base64.getEncoder().encodeToString(pair.getPrivate()
                .getEncoded()), 1000);
        otherRealm = TestRealm.create("other-" + getClass().getSimpleName());
    }

    /**
     * Keycloak's own standard exchange is switched on for the OBO clients here too: it would accept some of the tokens
     * below (it does not look at act or may_act, for one), so each refusal also shows that an OBO client's request
     * never falls through to it.
     */
    @BeforeAll
    void alsoEnableKeycloaksStandardExchange() {
        admin.setClientAttributes(realmName(), "orders-api", Map.of("standard.token.exchange.enabled", "true"));
        admin.setClientAttributes(realmName(), "billing-api", Map.of("standard.token.exchange.enabled", "true"));
    }

    @AfterAll
    void deleteOtherRealm() {
        if (otherRealm != null && !ItConfig.keepRealms()) {
            otherRealm.delete();
        }
    }

    private HttpResult exchangeByOrders(String subjectToken) {
        return oauth.exchange(ORDERS).subject(subjectToken).audience("inventory-api").send();
    }

    /** A fresh login of alice re-signed by the test after {@code change}; the realm signs with the same key. */
    private String forge(Consumer<ObjectNode> change) {
        Jwt real = alice().access();
        assertEquals(realmKid, real.header().path("kid").asText(), "the realm signs with the test's key");
        ObjectNode claims = real.claimsCopy();
        change.accept(claims);
        return Jwt.signRs256(claims, realmKey, realmKid);
    }

    private void assertUnchangedCopyIsAccepted() {
        assertAud(assertExchanged(exchangeByOrders(forge(c -> { }))), "inventory-api");
    }

    // ---------------------------------------------------------------- not a valid token of this realm

    @Test
    void garbageIsRefused() {
        assertError(exchangeByOrders("not-a-token"), 400, "invalid_request", MALFORMED);
        // a JWT of the right shape, but without iss: refused before its signature is looked at
        assertError(exchangeByOrders("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), 400, "invalid_request",
                OTHER_ISSUER);
    }

    @Test
    void tamperedSignatureIsRefused() {
        String token = aliceToken();
        int dot = token.lastIndexOf('.');
        char c = token.charAt(dot + 5);
        String tampered = token.substring(0, dot + 5) + (c == 'A' ? 'B' : 'A') + token.substring(dot + 6);
        assertError(exchangeByOrders(tampered), 400, "invalid_request", BAD_SIGNATURE);
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefused() throws NoSuchAlgorithmException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        RSAPrivateKey stranger = (RSAPrivateKey) gen.generateKeyPair().getPrivate();
        Jwt real = alice().access();
        assertError(exchangeByOrders(Jwt.signRs256(real.claims(), stranger, realmKid)), 400, "invalid_request",
                BAD_SIGNATURE);
    }

    @Test
    void tokenOfAnotherRealmIsRefused() {
        // the same clients exist there, so the token carries aud orders-api
        String foreign = otherRealm.oauth().login(Clients.WEB_APP, "alice", "alice", "openid").accessToken();
        assertError(exchangeByOrders(foreign), 400, "invalid_request", OTHER_ISSUER);
    }

    @Test
    void tokenWithAnotherIssuerIsRefused() {
        assertUnchangedCopyIsAccepted();
        assertError(exchangeByOrders(forge(c -> c.put("iss", otherRealm.oauth().issuer()))), 400, "invalid_request",
                OTHER_ISSUER);
    }

    @Test
    void expiredTokenIsRefused() throws InterruptedException {
        // short-app's access tokens live 2 s
        Tokens login = oauth.login(Clients.SHORT_APP, "alice", "alice", "openid");
        assertTrue(login.access().aud().contains("orders-api"));
        awaitExpiry(login.access());
        assertError(exchangeByOrders(login.accessToken()), 400, "invalid_request", "The subject token has expired");
    }

    @Test
    void forgedExpiredTokenIsRefused() {
        assertUnchangedCopyIsAccepted();
        long now = System.currentTimeMillis() / 1000;
        assertError(exchangeByOrders(forge(c -> c.put("iat", now - 120).put("exp", now - 60))), 400,
                "invalid_request", "The subject token has expired");
    }

    @Test
    void notYetValidTokenIsRefused() {
        assertUnchangedCopyIsAccepted();
        long now = System.currentTimeMillis() / 1000;
        assertError(exchangeByOrders(forge(c -> c.put("nbf", now + 600))), 400, "invalid_request",
                "The subject token is not yet valid");
    }

    @Test
    void revokedTokenIsRefused() {
        String token = aliceToken();
        HttpResult revoke = oauth.revoke(ClientAuth.publicClient(Clients.WEB_APP), token, "access_token");
        assertEquals(200, revoke.status(), revoke::describe);
        assertError(exchangeByOrders(token), 400, "invalid_request", "The subject token has been revoked");
    }

    @Test
    void tokenOfAnEndedSessionIsRefused() {
        Tokens login = alice();
        assertExchanged(exchangeByOrders(login.accessToken()));
        admin.deleteSession(realmName(), login.access().sid());
        assertError(exchangeByOrders(login.accessToken()), 400, "invalid_request",
                "The subject token's user session is not active");
    }

    @Test
    void tokenOfADisabledUserIsRefused() {
        String token = login("bob", "openid").accessToken();
        assertExchanged(exchangeByOrders(token));
        admin.setUserEnabled(realmName(), "bob", false);
        try {
            assertError(exchangeByOrders(token), 400, "invalid_request",
                    "The subject token's user is disabled or no longer exists");
        } finally {
            admin.setUserEnabled(realmName(), "bob", true);
        }
    }

    // ---------------------------------------------------------------- not a user's access token

    @Test
    void idTokenIsRefused() {
        Tokens login = alice();
        Jwt id = login.id();
        assertEquals("ID", id.typ());
        // (forgedTokenOfAnotherTypeIsRefused isolates the typ check; an ID token is also not issued for orders-api)
        assertError(exchangeByOrders(login.idToken()), 400, "invalid_request", "not an access token (typ 'ID')");
    }

    @Test
    void forgedTokenOfAnotherTypeIsRefused() {
        assertUnchangedCopyIsAccepted();
        assertError(exchangeByOrders(forge(c -> c.put("typ", "ID"))), 400, "invalid_request",
                "not an access token (typ 'ID')");
        assertError(exchangeByOrders(forge(c -> c.put("typ", "Refresh"))), 400, "invalid_request",
                "not an access token (typ 'Refresh')");
    }

    @Test
    void refreshTokenIsRefused() {
        assertError(exchangeByOrders(alice().refreshToken()), 400, "invalid_request",
                "not an access token (typ 'Refresh')");
    }

    @Test
    void clientCredentialsTokenIsRefused() {
        HttpResult cc = oauth.clientCredentials(BATCH);
        assertEquals(200, cc.status(), cc::describe);
        Jwt t = Jwt.parse(cc.field("access_token"));
        assertTrue(t.aud().contains("orders-api"), t::toString);
        // Keycloak's client-credentials tokens carry no sid (no user session): refused by that rule before the
        // service-account check is reached
        assertFalse(t.has("sid"), t::toString);
        assertError(exchangeByOrders(cc.field("access_token")), 400, "invalid_request",
                "The subject token has no user session (sid)");
    }

    @Test
    void tokenNotIssuedForTheRequesterIsRefused() {
        // billing-api has obo.enabled, but web-app's tokens are not for it
        String token = aliceToken();
        assertFalse(Jwt.parse(token).aud().contains("billing-api"));
        assertError(oauth.exchange(BILLING).subject(token).audience("inventory-api").send(), 400, "invalid_request",
                "The subject token was not issued for client 'billing-api'");
    }

    @Test
    void forgedAudienceWithoutTheRequesterIsRefused() {
        assertUnchangedCopyIsAccepted();
        assertError(exchangeByOrders(forge(c -> c.putArray("aud").add("inventory-api"))), 400, "invalid_request",
                "The subject token was not issued for client 'orders-api'");
    }

    // ---------------------------------------------------------------- delegation tokens

    @Test
    void tokenWithActClaimIsRefused() {
        assertUnchangedCopyIsAccepted();
        assertError(exchangeByOrders(forge(c -> c.putObject("act").put("sub", "some-service"))), 400,
                "invalid_request", DELEGATION);
    }

    @Test
    void tokenWithMayActClaimIsRefused() {
        assertUnchangedCopyIsAccepted();
        assertError(exchangeByOrders(forge(c -> c.putObject("may_act").put("sub", "orders-api"))), 400,
                "invalid_request", DELEGATION);
    }

    @Test
    void forgedTokenWithoutExpiryIsRefused() {
        HttpResult r = exchangeByOrders(forge(c -> c.remove("exp")));
        assertError(r, 400, "invalid_request", "The subject token has no expiry (exp)");
    }

    @Test
    void forgedDpopBoundTokenIsRefusedAsSenderConstrained() {
        HttpResult r = exchangeByOrders(forge(c -> c.put("typ", "DPoP").putObject("cnf").put("jkt", "0ZcOCORZNYy")));
        assertError(r, 400, "invalid_request",
                "The subject token is sender-constrained (cnf: DPoP or mTLS); its holder cannot pass it on");
    }

    @Test
    void forgedTokenWithoutSessionIsRefused() {
        HttpResult r = exchangeByOrders(forge(c -> c.remove("sid")));
        assertError(r, 400, "invalid_request", "The subject token has no user session (sid): on-behalf-of exchange "
                + "needs one, so that logging the user out ends the chain");
    }
}
