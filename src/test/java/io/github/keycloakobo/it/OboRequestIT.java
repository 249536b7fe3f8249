package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.PUBLIC_OBO;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client authentication and the request parameters (design.md section 4, first rules). */
class OboRequestIT extends AbstractOboIT {

    /**
     * Keycloak's own standard exchange is switched on for the OBO clients here too: it would accept several of the
     * requests below (it ignores actor_token, for one), so each refusal also shows that an OBO client's request never
     * falls through to it.
     */
    @BeforeAll
    void alsoEnableKeycloaksStandardExchange() {
        admin.setClientAttributes(realmName(), "orders-api", Map.of("standard.token.exchange.enabled", "true"));
    }

    // ---------------------------------------------------------------- client authentication

    @Test
    void wrongClientSecretIsUnauthorizedClient() {
        assertError(oauth.exchange(ORDERS.withSecret("wrong")).subject(aliceToken()).audience("inventory-api").send(),
                401, "unauthorized_client", "Invalid client or Invalid client credentials");
        assertError(oauth.exchange(ORDERS.withSecret("wrong").asPost()).subject(aliceToken())
                .audience("inventory-api").send(), 401, "unauthorized_client",
                "Invalid client or Invalid client credentials");
    }

    @Test
    void unknownClientIsInvalidClient() {
        // what Keycloak 26.7.3 itself answers for a client id it does not know
        assertError(oauth.exchange(ClientAuth.basic("no-such-client", "x")).subject(aliceToken())
                .audience("inventory-api").send(), 401, "invalid_client", "Invalid client or Invalid client credentials");
    }

    @Test
    void missingClientAuthenticationIsInvalidClient() {
        assertError(oauth.exchange(ClientAuth.none()).subject(aliceToken()).audience("inventory-api").send(), 401,
                "invalid_client", "Invalid client or Invalid client credentials");
    }

    @Test
    void publicClientWithOboEnabledIsInvalidClient() {
        // web-app's tokens carry aud public-obo, so only the client type can be the reason
        assertError(oauth.exchange(PUBLIC_OBO).subject(aliceToken()).audience("inventory-api").send(), 400,
                "invalid_client", "Public clients cannot exchange tokens on behalf of users; client 'public-obo'");
    }

    // ---------------------------------------------------------------- subject token parameters

    @Test
    void missingSubjectTokenIsInvalidRequest() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).without("subject_token").audience("inventory-api")
                .send(), 400, "invalid_request", "Missing parameter: subject_token");
    }

    @Test
    void missingSubjectTokenTypeIsInvalidRequest() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).without("subject_token_type")
                .audience("inventory-api").send(), 400, "invalid_request", "Missing parameter: subject_token_type");
    }

    @ParameterizedTest(name = "subject_token_type={0}")
    @ValueSource(strings = {
        OAuth.ID_TOKEN_TYPE,
        OAuth.REFRESH_TOKEN_TYPE,
        OAuth.SAML2_TYPE,
        "urn:ietf:params:oauth:token-type:saml1",
        "access_token"
    })
    void subjectTokenTypeOtherThanAccessTokenOrJwtIsInvalidRequest(String type) {
        assertError(oauth.exchange(ORDERS).subject(aliceToken(), type).audience("inventory-api").send(), 400,
                "invalid_request", "Unsupported subject_token_type '" + type + "'");
    }

    // ---------------------------------------------------------------- impersonation only

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"actor_token", "actor_token_type", "requested_subject", "requested_issuer",
        "subject_issuer"})
    void delegationAndImpersonationParametersAreInvalidRequest(String parameter) {
        OAuth.Exchange e = oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api");
        switch (parameter) {
            case "actor_token":
                e.param("actor_token", aliceToken()).param("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
                break;
            case "actor_token_type":
                e.param("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
                break;
            case "requested_subject":
                e.param("requested_subject", admin.userId(realmName(), "bob"));
                break;
            case "requested_issuer":
                e.param("requested_issuer", "other-idp");
                break;
            default:
                e.param("subject_issuer", "other-idp");
        }
        assertError(e.send(), 400, "invalid_request", "impersonation only; remove parameter(s): " + parameter);
    }

    @Test
    void actorTokenAloneIsInvalidRequest() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api")
                .param("actor_token", aliceToken()).send(), 400, "invalid_request",
                "impersonation only; remove parameter(s): actor_token");
    }

    // ---------------------------------------------------------------- requested token type

    @ParameterizedTest(name = "requested_token_type={0}")
    @ValueSource(strings = {
        OAuth.REFRESH_TOKEN_TYPE, // orders-api has no obo.refresh-token
        OAuth.ID_TOKEN_TYPE,
        OAuth.SAML2_TYPE,
        OAuth.JWT_TYPE,
        "urn:example:unknown"
    })
    void requestedTokenTypeOtherThanAccessTokenIsInvalidRequest(String type) {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api").requestedTokenType(type)
                .send(), 400, "invalid_request", type.equals(OAuth.REFRESH_TOKEN_TYPE)
                ? "Client 'orders-api' may not obtain refresh tokens" : "Unsupported requested_token_type '" + type + "'");
    }

    @Test
    void keycloaksOwnExecutorsNeverTurnAMalformedRequestIntoA500() {
        // Keycloak's downscope executor (26.5+) reads the subject token on every token-exchange request
        org.junit.jupiter.api.Assumptions.assumeTrue(ItConfig.keycloakAtLeast("26.5"),
                "Keycloak " + ItConfig.keycloakVersion() + " has no downscope-assertion-grant-enforcer executor");
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        com.fasterxml.jackson.databind.node.ObjectNode downscope = Json.object();
        downscope.put("executor", "downscope-assertion-grant-enforcer");
        downscope.putObject("configuration");
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("downscope", downscope)).status());
        policies.putAnyClientPolicy("downscope-policy", "downscope");
        try {
            HttpResult noSubject = oauth.exchange(Clients.ORDERS).param("subject_token_type", OAuth.ACCESS_TOKEN_TYPE)
                    .audience("inventory-api").send();
            assertError(noSubject, 400, "invalid_request", "Missing parameter: subject_token");

            HttpResult noAssertion = oauth.entraOnBehalfOf(Clients.ORDERS, "x").without("assertion")
                    .param("scope", "inventory-api/.default").send();
            assertError(noAssertion, 400, "invalid_request", "Missing parameter: assertion");

            assertAud(assertExchanged(oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("inventory-api")
                    .send()), "inventory-api");
        } finally {
            policies.clearPolicies();
        }
    }
}
