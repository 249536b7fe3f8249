package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a source API written for Microsoft Entra's on-behalf-of flow (MSAL's AcquireTokenOnBehalfOf) sends, against
 * the real server: the same token as the RFC 8693 form, Entra's scope spellings, RFC 7523 error codes, MSAL's exact
 * parameters, and {@code private_key_jwt} client authentication.
 */
class EntraMigrationIT extends AbstractOboIT {

    private static final String INVENTORY_DEFAULT = "inventory-api/.default";

    @Test
    void entraFormIssuesTheSameTokenAsTheRfcForm() {
        String subjectToken = aliceToken();
        Jwt subject = Jwt.parse(subjectToken);

        Jwt rfc = assertExchanged(oauth.exchange(Clients.ORDERS).subject(subjectToken).audience("inventory-api").send());
        Jwt entra = assertExchanged(oauth.entraOnBehalfOf(Clients.ORDERS, subjectToken).scope(INVENTORY_DEFAULT).send());

        assertEquals(subject.sub(), entra.sub());
        assertAud(entra, "inventory-api");
        assertEquals("orders-api", entra.azp());
        assertEquals(subject.sid(), entra.sid());
        assertEquals(List.of("orders-api"), entra.oboPath());
        assertTrue(entra.exp() <= subject.exp(), "exchanged token outlives the assertion");
        assertEquals(rfc.scopes(), entra.scopes());
        assertEquals(rfc.clientRoles("inventory-api"), entra.clientRoles("inventory-api"));
    }

    @Test
    void applicationIdUriAndResourceUriNameTheTarget() {
        String subjectToken = aliceToken();
        assertAud(assertExchanged(oauth.entraOnBehalfOf(Clients.ORDERS, subjectToken)
                .scope("api://inventory-api/.default").send()), "inventory-api");
        assertAud(assertExchanged(oauth.entraOnBehalfOf(Clients.ORDERS, subjectToken)
                .scope(Clients.INVENTORY_RESOURCE + "/.default").send()), "inventory-api");
    }

    @Test
    void namedScopeMissingFromTheAssertionIsInvalidScope() {
        assertError(oauth.entraOnBehalfOf(Clients.ORDERS, aliceToken()).scope("inventory-api/inventory:write").send(),
                400, "invalid_scope", "Scope 'inventory:write' was not granted in the subject token");
    }

    @Test
    void twoTargetsInOneRequestAreInvalidTarget() {
        HttpResult r = oauth.entraOnBehalfOf(Clients.ORDERS, aliceToken())
                .scope("inventory-api/.default billing-api/.default").send();
        assertError(r, 400, "invalid_target", "more than one target");
    }

    @Test
    void missingAssertionIsInvalidRequest() {
        HttpResult r = oauth.entraOnBehalfOf(Clients.ORDERS, "").without("assertion").scope(INVENTORY_DEFAULT).send();
        assertError(r, 400, "invalid_request", "Missing parameter: assertion");
    }

    @Test
    void expiredAssertionIsInvalidGrant() throws InterruptedException {
        String shortLived = oauth.login(Clients.SHORT_APP, "alice", "alice", "openid").accessToken();
        awaitExpiry(Jwt.parse(shortLived));
        HttpResult r = oauth.entraOnBehalfOf(Clients.ORDERS, shortLived).scope(INVENTORY_DEFAULT).send();
        assertError(r, 400, "invalid_grant", "The subject token has expired");
    }

    @Test
    void assertionFromAnotherRealmIsInvalidGrant() {
        HttpResult r = oauth.entraOnBehalfOf(Clients.ORDERS, admin.token()).scope(INVENTORY_DEFAULT).send();
        assertError(r, 400, "invalid_grant", "The subject token was not issued by this realm");
    }

    @Test
    void otherRequestedTokenUseGetsKeycloaksOwnAnswer() {
        // only requested_token_use=on_behalf_of is the extension's: the same request without the parameter and with
        // another value get exactly Keycloak's answer
        HttpResult plain = oauth.entraOnBehalfOf(Clients.ORDERS, aliceToken()).without("requested_token_use")
                .scope(INVENTORY_DEFAULT).send();
        assertError(plain, 400, ItConfig.plainJwtBearerError(), ItConfig.plainJwtBearerDescription());
        for (String use : java.util.List.of("impersonation", "ON_BEHALF_OF", "")) {
            HttpResult r = oauth.entraOnBehalfOf(Clients.ORDERS, aliceToken()).without("requested_token_use")
                    .param("requested_token_use", use).scope(INVENTORY_DEFAULT).send();
            assertError(r, 400, ItConfig.plainJwtBearerError(), ItConfig.plainJwtBearerDescription());
            assertEquals(plain.field("error_description"), r.field("error_description"), r::describe);
        }
    }

    @Test
    void clientWithoutOboIsUnauthorized() {
        assertError(oauth.entraOnBehalfOf(Clients.PLAIN, aliceToken()).scope(INVENTORY_DEFAULT).send(),
                400, "unauthorized_client", "Client 'plain-api' is not enabled for on-behalf-of exchange");
    }

    /** The form parameters MSAL's AcquireTokenOnBehalfOf sends with a client secret (see README). */
    @Test
    void msalLikeRequestSucceeds() {
        HttpResult r = oauth.entraOnBehalfOf(Clients.ORDERS.asPost(), aliceToken())
                .scope("api://inventory-api/.default openid profile offline_access")
                .param("client_info", "1")
                .send();
        assertAud(assertExchanged(r), "inventory-api");
        assertFalse(r.has("refresh_token"), "orders-api may not have refresh tokens, offline_access notwithstanding");
    }

    @Test
    void offlineAccessGivesARefreshTokenWhereAllowed() {
        HttpResult r = oauth.entraOnBehalfOf(Clients.REPORTS, aliceToken())
                .scope("inventory-api/.default offline_access").send();
        assertEquals(200, r.status(), r::describe);
        assertTrue(r.has("refresh_token"), r::describe);
        assertEquals(OAuth.REFRESH_TOKEN_TYPE, r.field("issued_token_type"));
        assertAud(Jwt.parse(r.field("access_token")), "inventory-api");
    }

    @Test
    void privateKeyJwtClientAuthenticationWorks() throws JOSEException {
        RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate();
        ObjectNode client = admin.getClient(realmName(), "loop-a");
        client.put("clientAuthenticatorType", "client-jwt");
        ObjectNode attributes = (ObjectNode) client.get("attributes");
        attributes.put("use.jwks.string", "true");
        attributes.put("jwks.string", "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}");
        attributes.put("token.endpoint.auth.signing.alg", "RS256");
        attributes.put("obo.audiences", "inventory-api");
        admin.updateClient(realmName(), client);

        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = Json.object();
        claims.put("iss", "loop-a");
        claims.put("sub", "loop-a");
        claims.put("aud", oauth.issuer());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", now);
        claims.put("exp", now + 60);
        String clientAssertion = Jwt.signRs256(claims, key.toRSAPrivateKey(), key.getKeyID());

        HttpResult r = oauth.entraOnBehalfOf(ClientAuth.none(), aliceToken())
                .scope(INVENTORY_DEFAULT)
                .param("client_id", "loop-a")
                .param("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .param("client_assertion", clientAssertion)
                .send();
        Jwt t = assertExchanged(r);
        assertEquals("loop-a", t.azp());
        assertAud(t, "inventory-api");
    }

    @Test
    void auditEventMarksTheEntraForm() {
        String subjectToken = aliceToken();
        String jti = Jwt.parse(subjectToken).jti();
        assertExchanged(oauth.entraOnBehalfOf(Clients.ORDERS, subjectToken).scope(INVENTORY_DEFAULT).send());
        JsonNode event = admin.awaitEvent(realmName(), "TOKEN_EXCHANGE", "orders-api",
                e -> jti.equals(e.path("details").path("subject_token_id").asText()), Duration.ofSeconds(10));
        assertNotNull(event, "no TOKEN_EXCHANGE event for the Entra request");
        JsonNode details = event.path("details");
        assertEquals("entra", details.path("obo_request_form").asText());
        assertEquals(OAuth.JWT_BEARER, details.path("grant_type").asText());
        assertEquals("inventory-api", details.path("audience").asText());
        assertEquals("1", details.path("obo_hops").asText());
        assertEquals("web-app", details.path("subject_token_client_id").asText());
    }
}
