package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.github.keycloakobo.it.Clients.INVENTORY_RESOURCE;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.ORDERS_LITE;
import static io.github.keycloakobo.it.Clients.REPORTS_RESOURCE;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code invalid_target}: audiences and resources that are unknown, disabled, not allowed or missing. */
class OboTargetIT extends AbstractOboIT {

    @ParameterizedTest(name = "audience={0}")
    @ValueSource(strings = {
        "ghost-api",    // in obo.audiences, but no such client
        "disabled-api", // in obo.audiences, but the client is disabled
        "reports-api",  // an existing, enabled client that is not in obo.audiences
        "no-such-api",  // neither allowed nor existing
        "orders-api"    // the requester itself is not an allowed target
    })
    void audienceThatIsUnknownDisabledOrNotAllowedIsRefused(String audience) {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience(audience).send(), 400, "invalid_target");
    }

    @Test
    void oneRefusedAudienceRefusesTheWholeRequest() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api", "reports-api").send(),
                400, "invalid_target");
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api", "ghost-api").send(),
                400, "invalid_target");
    }

    @Test
    void noTargetWhileSeveralAreAllowedIsRefused() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).send(), 400, "invalid_target");
    }

    @ParameterizedTest(name = "resource={0}")
    @ValueSource(strings = {
        "https://unknown.example.com/api", // maps to no client
        REPORTS_RESOURCE,                  // maps to reports-api, which orders-api may not call
        "https://inventory.example.com",   // not exactly the registered indicator
        "inventory-api"                    // not an absolute URI
    })
    void resourceThatMapsToNoAllowedTargetIsRefused(String resource) {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).resource(resource).send(), 400, "invalid_target");
    }

    @Test
    void oneRefusedResourceRefusesTheWholeRequest() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).resource(INVENTORY_RESOURCE, REPORTS_RESOURCE)
                .send(), 400, "invalid_target");
    }

    @Test
    void withoutOboAudiencesNothingIsAllowed() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-lite",
                java.util.Collections.singletonMap("obo.audiences", null));
        try {
            assertError(oauth.exchange(ORDERS_LITE).subject(aliceToken()).send(), 400, "invalid_target");
            assertError(oauth.exchange(ORDERS_LITE).subject(aliceToken()).audience("inventory-api").send(), 400,
                    "invalid_target");
        } finally {
            admin.setClientAttributes(realmName(), "orders-lite", previous);
        }
        // and the restored setting works again
        assertAud(assertExchanged(oauth.exchange(ORDERS_LITE).subject(aliceToken()).send()), "inventory-api");
    }

    @Test
    void targetDisabledAfterwardsIsRefused() {
        admin.setClientEnabled(realmName(), "billing-api", false);
        try {
            assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("billing-api").send(), 400,
                    "invalid_target");
        } finally {
            admin.setClientEnabled(realmName(), "billing-api", true);
        }
        assertAud(assertExchanged(oauth.exchange(ORDERS).subject(aliceToken()).audience("billing-api").send()),
                "billing-api");
    }

    @Test
    void keycloaksInternalClientsAreNeverTargetsWithoutARealmPolicy() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-lite",
                Map.of("obo.audiences", "account"));
        try {
            HttpResult r = oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).audience("account").send();
            assertError(r, 400, "invalid_target");
            assertEquals("Target client 'account' is one of Keycloak's internal clients, denied for on-behalf-of "
                    + "exchange unless a realm obo-policy allows it", r.field("error_description"), r::describe);

            // a realm policy whose own denied-audiences leaves account out allows it
            ClientPolicies policies = new ClientPolicies(admin, realmName());
            com.fasterxml.jackson.databind.node.ObjectNode config = Json.object();
            config.putArray("denied-audiences").add("realm-management");
            assertEquals(204, policies.putProfiles(ClientPolicies.profile("allow-account",
                    ClientPolicies.oboExecutor(config))).status());
            policies.putAnyClientPolicy("allow-account-policy", "allow-account");
            try {
                Jwt t = assertExchanged(oauth.exchange(Clients.ORDERS_LITE).subject(aliceToken()).audience("account")
                        .send());
                assertAud(t, "account");
            } finally {
                policies.clearPolicies();
            }
        } finally {
            admin.setClientAttributes(realmName(), "orders-lite", previous);
        }
    }
}
