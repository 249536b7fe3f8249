package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;

/** The extension's admin REST resource {@code /admin/realms/{realm}/obo} of one test realm. */
final class OboAdmin {

    private final AdminApi admin;
    private final OAuth oauth;
    private final String realm;

    OboAdmin(AdminApi admin, OAuth oauth, String realm) {
        this.admin = admin;
        this.oauth = oauth;
        this.realm = realm;
    }

    String url(String path) {
        return admin.realmUrl(realm) + "/obo/" + path;
    }

    /** {@code PUT clients/{clientId}} as the master realm's admin. */
    HttpResult put(String clientId, String body) {
        return Http.putJson(url("clients/" + AdminApi.enc(clientId)), admin.token(), body);
    }

    /** A realm-local administrator with the given {@code realm-management} roles, and an access token for it. */
    String realmAdminToken(String username, String... realmManagementRoles) {
        admin.createRealmAdmin(realm, username, realmManagementRoles);
        HttpResult token = oauth.passwordGrant("admin-cli", username, username, null);
        if (token.status() != 200) {
            throw new IllegalStateException("token of " + username + ": " + token.describe());
        }
        return token.field("access_token");
    }

    /** The entry of a client in a list answer, or null. */
    static JsonNode find(JsonNode list, String clientId) {
        for (JsonNode c : list) {
            if (clientId.equals(c.path("clientId").asText())) {
                return c;
            }
        }
        return null;
    }
}
