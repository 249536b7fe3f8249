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

    @Test
    void answerScopeIsTheRequestAsWrittenWithoutMsalsReservedScopes() {
        // what msal-node and msal4j send: their reserved scopes are added to every request
        assertEquals("inventory-api/.default", EntraScopes.parse("inventory-api/.default openid profile offline_access")
                .answerScope("profile email"));
        assertEquals("api://inventory-api/stock.read api://inventory-api/stock.write",
                EntraScopes.parse("openid api://inventory-api/stock.read profile api://inventory-api/stock.write")
                        .answerScope("profile email stock.read stock.write"));
        assertEquals("https://inventory.example.com/api/.default",
                EntraScopes.parse("https://inventory.example.com/api/.default").answerScope("profile"));
    }

    @Test
    void answerScopeKeepsTheCaseOrderAndBareScopesOfTheRequestOnceEach() {
        assertEquals("Inventory-API/.default email Inventory-API/inventory:read",
                EntraScopes.parse("Inventory-API/.default email Inventory-API/inventory:read email")
                        .answerScope("profile email inventory:read"));
    }

    @Test
    void answerScopeOfARequestWithoutEntraScopesIsTheTokensScope() {
        assertEquals("openid profile email", EntraScopes.parse("openid profile offline_access")
                .answerScope("openid profile email"));
        assertNull(EntraScopes.parse(null).answerScope(null));
    }

    /**
     * msal-common's cache lookup (ScopeSet.createSearchScopes, CacheManager.matchTarget): the request's scopes less
     * openid, profile, offline_access and email must all be in the stored set, case-insensitively; the stored set is
     * the answer's scope. The same rule as msal4j's.
     */
    @Test
    void msalFindsTheAnswerAgainForTheSameRequest() {
        for (String request : List.of("inventory-api/.default openid profile offline_access",
                "api://inventory-api/stock.read openid profile offline_access", "inventory-api/a inventory-api/b email",
                "https://inventory.example.com/api/.default")) {
            Set<String> stored = lower(EntraScopes.parse(request).answerScope("profile email"));
            Set<String> searched = lower(request);
            searched.removeAll(Set.of("openid", "profile", "offline_access", "email"));
            assertFalse(searched.isEmpty(), request);
            assertTrue(stored.containsAll(searched), request + " -> " + stored);
        }
    }

    private static Set<String> lower(String scopes) {
        Set<String> set = new java.util.HashSet<>();
        for (String s : scopes.split(" ")) {
            set.add(s.toLowerCase(java.util.Locale.ROOT));
        }
        return set;
    }
}
