package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.github.keycloakobo.it.Clients.INVENTORY_RESOURCE;
import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.ORDERS_LITE;
import static io.github.keycloakobo.it.Clients.REPORTS_RESOURCE;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code invalid_target}: audiences and resources that are unknown, disabled, not allowed or missing. */
class OboTargetIT extends AbstractOboIT {

    @ParameterizedTest(name = "audience={0}")
    @CsvSource(delimiter = '|', value = {
        // in obo.audiences, but no such client
        "ghost-api    | Target client 'ghost-api' does not exist",
        // in obo.audiences, but the client is disabled
        "disabled-api | Target client 'disabled-api' is disabled",
        // an existing, enabled client that is not in obo.audiences
        "reports-api  | Audience 'reports-api' is not an allowed target of client 'orders-api'",
        // neither allowed nor existing
        "no-such-api  | Audience 'no-such-api' is not an allowed target of client 'orders-api'",
        // the requester itself is not an allowed target
        "orders-api   | Audience 'orders-api' is not an allowed target of client 'orders-api'"
    })
    void audienceThatIsUnknownDisabledOrNotAllowedIsRefused(String audience, String description) {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience(audience).send(), 400, "invalid_target",
                description);
    }

    @Test
    void oneRefusedAudienceRefusesTheWholeRequest() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api", "reports-api").send(),
                400, "invalid_target", "Audience 'reports-api' is not an allowed target");
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).audience("inventory-api", "ghost-api").send(),
                400, "invalid_target", "Target client 'ghost-api' does not exist");
    }

    @Test
    void noTargetWhileSeveralAreAllowedIsRefused() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).send(), 400, "invalid_target",
                "Client 'orders-api' may call several targets; name one with audience or resource");
    }

    @ParameterizedTest(name = "resource={0}")
    @ValueSource(strings = {
        "https://unknown.example.com/api", // maps to no client
        REPORTS_RESOURCE,                  // maps to reports-api, which orders-api may not call
        "https://inventory.example.com",   // not exactly the registered indicator
        "inventory-api"                    // not an absolute URI
    })
    void resourceThatMapsToNoAllowedTargetIsRefused(String resource) {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).resource(resource).send(), 400, "invalid_target",
                resource.startsWith("https://") ? "Resource '" + resource + "' does not name an allowed target of "
                        + "client 'orders-api'" : "Resource '" + resource + "' is not an absolute URI");
    }

    @Test
    void oneRefusedResourceRefusesTheWholeRequest() {
        assertError(oauth.exchange(ORDERS).subject(aliceToken()).resource(INVENTORY_RESOURCE, REPORTS_RESOURCE)
                .send(), 400, "invalid_target", "Resource '" + REPORTS_RESOURCE + "' does not name an allowed target");
    }

    @Test
    void withoutOboAudiencesNothingIsAllowed() {
        Map<String, String> previous = admin.setClientAttributes(realmName(), "orders-lite",
                java.util.Collections.singletonMap("obo.audiences", null));
        try {
            assertError(oauth.exchange(ORDERS_LITE).subject(aliceToken()).send(), 400, "invalid_target",
                    "Client 'orders-lite' has no allowed targets (obo.audiences is empty)");
            assertError(oauth.exchange(ORDERS_LITE).subject(aliceToken()).audience("inventory-api").send(), 400,
                    "invalid_target", "Audience 'inventory-api' is not an allowed target of client 'orders-lite'");
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
                    "invalid_target", "Target client 'billing-api' is disabled");
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
            assertError(r, 400, "invalid_target", "Target client 'account' is one of Keycloak's internal clients, "
                    + "denied for on-behalf-of exchange unless a realm obo-policy allows it");

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
