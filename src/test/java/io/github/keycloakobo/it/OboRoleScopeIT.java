package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code resource_access} follows the source client's role scope, including its own scope mappings. */
class OboRoleScopeIT extends AbstractOboIT {

    @Test
    void sourceWithoutFullScopeGetsTheTargetRolesMappedOnItself() {
        ObjectNode orders = admin.getClient(realmName(), "orders-api");
        orders.put("fullScopeAllowed", false);
        admin.updateClient(realmName(), orders);

        Jwt before = assertExchanged(oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("inventory-api").send());
        assertEquals(Set.of(), before.clientRoles("inventory-api"), () -> "no role in scope yet: " + before);

        String ordersId = admin.clientUuid(realmName(), "orders-api");
        String inventoryId = admin.clientUuid(realmName(), "inventory-api");
        String base = admin.realmUrl(realmName()) + "/clients/";
        HttpResult role = Http.get(base + inventoryId + "/roles/stock.read", admin.token());
        assertEquals(200, role.status(), role::describe);
        HttpResult mapped = Http.postJson(base + ordersId + "/scope-mappings/clients/" + inventoryId, admin.token(),
                "[" + role.body() + "]");
        assertEquals(204, mapped.status(), mapped::describe);

        Jwt after = assertExchanged(oauth.exchange(Clients.ORDERS).subject(aliceToken()).audience("inventory-api").send());
        assertAud(after, "inventory-api");
        assertEquals(Set.of("stock.read"), after.clientRoles("inventory-api"), () -> "roles of " + after);
    }
}
