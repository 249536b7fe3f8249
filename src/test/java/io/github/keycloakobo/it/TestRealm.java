package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;

/**
 * A realm made for one test class from {@code realms/obo-test-realm.json} (the realm, placeholder
 * {@code __REALM__} for its name) and {@code realms/obo-test-client-scopes.json} (extra client scopes and the clients
 * that get them as optional scopes; created through the admin API so that the realm keeps Keycloak's default scopes).
 */
public final class TestRealm {

    public static final String TEMPLATE = "realms/obo-test-realm.json";
    public static final String SCOPES = "realms/obo-test-client-scopes.json";
    public static final String PLACEHOLDER = "__REALM__";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeycloakRuntime keycloak;
    private final AdminApi admin;
    private final String name;
    private final OAuth oauth;

    private TestRealm(KeycloakRuntime keycloak, AdminApi admin, String name) {
        this.keycloak = keycloak;
        this.admin = admin;
        this.name = name;
        this.oauth = new OAuth(keycloak.baseUrl(), name);
    }

    /** Creates a fresh realm named after {@code prefix} plus a random suffix on the shared test server. */
    public static TestRealm create(String prefix) {
        return create(TestKeycloak.get(), prefix);
    }

    /** Same, on another server (e.g. a node of {@link ClusterIT}). */
    public static TestRealm create(KeycloakRuntime kc, String prefix) {
        AdminApi admin = new AdminApi(kc.baseUrl());
        String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-"
                + Integer.toHexString(RANDOM.nextInt(0x1000000));
        String json = Json.resource(TEMPLATE).replace(PLACEHOLDER, name);
        admin.createRealm(Json.parse(json));
        JsonNode scopes = Json.parse(Json.resource(SCOPES));
        for (JsonNode scope : scopes.path("clientScopes")) {
            admin.createClientScope(name, scope);
        }
        for (Map.Entry<String, JsonNode> e : scopes.path("optionalClientScopes").properties()) {
            for (JsonNode scopeName : e.getValue()) {
                admin.addOptionalClientScope(name, e.getKey(), scopeName.asText());
            }
        }
        return new TestRealm(kc, admin, name);
    }

    public String name() {
        return name;
    }

    public AdminApi admin() {
        return admin;
    }

    public OAuth oauth() {
        return oauth;
    }

    public KeycloakRuntime keycloak() {
        return keycloak;
    }

    public void delete() {
        admin.deleteRealm(name);
    }
}
