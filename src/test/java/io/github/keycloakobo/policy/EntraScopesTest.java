package io.github.keycloakobo.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntraScopesTest {

    @Test
    void defaultScopeOfAClientIdNamesTheTargetOnly() {
        EntraScopes s = EntraScopes.parse("inventory-api/.default");
        assertEquals(List.of("inventory-api"), s.audiences());
        assertEquals(List.of(), s.resources());
        assertEquals(Set.of(), s.scopes());
        assertFalse(s.offlineAccess());
    }

    @Test
    void applicationIdUriIsTheClientId() {
        EntraScopes s = EntraScopes.parse("api://inventory-api/stock.read");
        assertEquals("inventory-api", s.audience());
        assertEquals(Set.of("stock.read"), s.scopes());
    }

    @Test
    void otherAbsoluteUriIsAResourceIndicator() {
        EntraScopes s = EntraScopes.parse("https://inventory.example.com/api/.default");
        assertNull(s.audience());
        assertEquals("https://inventory.example.com/api", s.resource());
    }

    @Test
    void applicationIdUriWithAPathIsAResourceIndicator() {
        EntraScopes s = EntraScopes.parse("api://contoso/inventory/.default");
        assertNull(s.audience());
        assertEquals("api://contoso/inventory", s.resource());
    }

    @Test
    void msalReservedScopesAreNotExplicitAndOfflineAccessAsksForRefresh() {
        EntraScopes s = EntraScopes.parse("api://inventory-api/.default openid profile offline_access");
        assertEquals(Set.of(), s.scopes());
        assertTrue(s.offlineAccess());
    }

    @Test
    void bareScopesOtherThanReservedOnesAreExplicit() {
        assertEquals(Set.of("email"), EntraScopes.parse("inventory-api/.default email").scopes());
    }

    @Test
    void severalScopesOfOneTargetAreAllRequested() {
        EntraScopes s = EntraScopes.parse("inventory-api/a inventory-api/b");
        assertEquals(List.of("inventory-api"), s.audiences());
        assertEquals(Set.of("a", "b"), s.scopes());
    }

    @Test
    void twoTargetsAreInvalidTarget() {
        OboDeniedException e = assertThrows(OboDeniedException.class,
                () -> EntraScopes.parse("inventory-api/.default billing-api/.default"));
        assertEquals(OAuthError.INVALID_TARGET, e.denial().error());
        assertTrue(e.denial().description().contains("billing-api"));
    }

    @Test
    void emptyTargetOrScopeIsInvalidScope() {
        for (String bad : List.of("/.default", "inventory-api/")) {
            OboDeniedException e = assertThrows(OboDeniedException.class, () -> EntraScopes.parse(bad));
            assertEquals(OAuthError.INVALID_SCOPE, e.denial().error(), bad);
        }
    }

    @Test
    void noScopeNamesNoTarget() {
        EntraScopes s = EntraScopes.parse(null);
        assertEquals(List.of(), s.audiences());
        assertEquals(List.of(), s.resources());
    }
}
