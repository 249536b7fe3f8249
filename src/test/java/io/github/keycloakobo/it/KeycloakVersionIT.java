package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.ORDERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extension says at start-up which Keycloak it found and whether it serves it. On a supported line it works (the
 * other ITs prove how); on any other version every OBO request gets a clean OAuth error, never a 500, and clients
 * without {@code obo.enabled} keep Keycloak's own behaviour. {@code .ci/run} runs this class against 26.3.5 too.
 */
class KeycloakVersionIT extends AbstractOboIT {

    private static final String SUPPORTED = "26.4.x, 26.5.x, 26.7.x";

    private boolean supported() {
        return List.of("26.4", "26.5", "26.7").contains(ItConfig.keycloakLine());
    }

    @Test
    void theStartUpLogNamesTheVersionFoundAndWhetherItIsServed() {
        String log = LogFiles.readFrom(realm.keycloak().logFile(), 0);
        String version = ItConfig.keycloakVersion();
        List<String> lines = LogFiles.lines(log, line -> line.contains("keycloak-obo: Keycloak "));
        assertEquals(1, lines.size(), () -> "one start-up line of the extension, got " + lines);
        String expected = supported()
                ? "keycloak-obo: Keycloak " + version + " supported (" + SUPPORTED + ")"
                : "keycloak-obo: Keycloak " + version + " is not supported (supported: " + SUPPORTED + ")";
        assertTrue(lines.get(0).contains(expected), () -> "expected '" + expected + "' in " + lines.get(0));
        assertTrue(supported() ? lines.get(0).contains("INFO") : lines.get(0).contains("ERROR"), lines.get(0));
    }

    @Test
    void onAnUnsupportedKeycloakOboClientsGetACleanRefusal() {
        String token = aliceToken();
        HttpResult exchange = oauth.exchange(ORDERS).subject(token).audience("inventory-api").send();
        HttpResult entra = oauth.entraOnBehalfOf(ORDERS, token).param("scope", "inventory-api/.default").send();
        if (supported()) {
            assertExchanged(exchange);
            assertEquals(200, entra.status(), entra::describe);
            return;
        }
        String description = "On-behalf-of exchange is not available: this Keycloak (" + ItConfig.keycloakVersion()
                + ") is not one the extension supports (" + SUPPORTED + ")";
        for (HttpResult r : List.of(exchange, entra)) {
            assertError(r, 400, "unauthorized_client");
            assertEquals(description, r.field("error_description"), r::describe);
        }
        // a client without obo.enabled keeps Keycloak's own behaviour: its login refreshes as always
        Tokens login = alice();
        assertEquals(200, oauth.refresh(ClientAuth.publicClient(Clients.WEB_APP), login.refreshToken()).status());
    }
}
