package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The few admin REST calls the tests need, as the master realm's bootstrap admin. */
public final class AdminApi {

    private static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "admin"; // test-only bootstrap admin

    private final String baseUrl;
    private String token;
    private Instant tokenExpiry = Instant.EPOCH;

    public AdminApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Admin access token (admin-cli, password grant), renewed shortly before it expires. */
    public synchronized String token() {
        if (token == null || Instant.now().isAfter(tokenExpiry)) {
            HttpResult r = Http.postForm(baseUrl + "/realms/master/protocol/openid-connect/token",
                    Form.of("grant_type", "password", "client_id", "admin-cli", "username", ADMIN_USER,
                            "password", ADMIN_PASSWORD));
            require(r, 200, "admin token");
            token = r.field("access_token");
            long lifetime = r.json().path("expires_in").asLong(60);
            tokenExpiry = Instant.now().plusSeconds(Math.max(5, lifetime - 15));
        }
        return token;
    }

    // ---------------------------------------------------------------- realms

    public void createRealm(JsonNode representation) {
        require(Http.postJson(baseUrl + "/admin/realms", token(), Json.write(representation)), 201, "create realm");
    }

    public void deleteRealm(String realm) {
        HttpResult r = Http.delete(realmUrl(realm), token());
        if (r.status() != 204 && r.status() != 404) {
            throw new IllegalStateException("delete realm " + realm + ": " + r.describe());
        }
    }

    public ObjectNode getRealm(String realm) {
        return (ObjectNode) require(Http.get(realmUrl(realm), token()), 200, "get realm").json();
    }

    public void updateRealm(String realm, JsonNode representation) {
        require(Http.putJson(realmUrl(realm), token(), Json.write(representation)), 204, "update realm");
    }

    // ---------------------------------------------------------------- clients

    public ObjectNode getClient(String realm, String clientId) {
        HttpResult r = require(Http.get(realmUrl(realm) + "/clients?clientId=" + enc(clientId), token()), 200,
                "find client " + clientId);
        if (r.json().size() != 1) {
            throw new IllegalStateException("client " + clientId + " not found in realm " + realm);
        }
        return (ObjectNode) r.json().get(0);
    }

    public String clientUuid(String realm, String clientId) {
        return getClient(realm, clientId).get("id").asText();
    }

    public void updateClient(String realm, ObjectNode client) {
        require(Http.putJson(realmUrl(realm) + "/clients/" + client.get("id").asText(), token(), Json.write(client)),
                204, "update client " + client.path("clientId").asText());
    }

    /** Creates a client and answers its internal id. */
    public String createClient(String realm, JsonNode client) {
        HttpResult r = require(Http.postJson(realmUrl(realm) + "/clients", token(), Json.write(client)), 201,
                "create client " + client.path("clientId").asText());
        return idFromLocation(r);
    }

    public Map<String, String> clientAttributes(String realm, String clientId) {
        JsonNode attrs = getClient(realm, clientId).path("attributes");
        Map<String, String> out = new java.util.TreeMap<>();
        attrs.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /**
     * Sets client attributes; a null value removes the attribute. Answers the previous values (null where absent), so
     * a test can restore them.
     */
    public Map<String, String> setClientAttributes(String realm, String clientId, Map<String, String> attributes) {
        ObjectNode client = getClient(realm, clientId);
        ObjectNode attrs = client.has("attributes") ? (ObjectNode) client.get("attributes") : client.putObject(
                "attributes");
        Map<String, String> previous = new java.util.HashMap<>();
        attributes.forEach((k, v) -> {
            previous.put(k, attrs.has(k) ? attrs.get(k).asText() : null);
            if (v == null) {
                // Keycloak keeps attributes missing from an update; an empty value is how the console clears one
                attrs.put(k, "");
            } else {
                attrs.put(k, v);
            }
        });
        updateClient(realm, client);
        return previous;
    }

    public void setClientEnabled(String realm, String clientId, boolean enabled) {
        ObjectNode client = getClient(realm, clientId);
        client.put("enabled", enabled);
        updateClient(realm, client);
    }

    public void deleteClient(String realm, String clientId) {
        require(Http.delete(realmUrl(realm) + "/clients/" + clientUuid(realm, clientId), token()), 204,
                "delete client " + clientId);
    }

    /** A client role's representation, as the role-mapping endpoints take it. */
    public JsonNode clientRole(String realm, String clientId, String role) {
        return require(Http.get(realmUrl(realm) + "/clients/" + clientUuid(realm, clientId) + "/roles/" + enc(role),
                token()), 200, "get role " + clientId + "/" + role).json();
    }

    /** Adds a protocol mapper ({@code {"name", "protocol", "protocolMapper", "config"}}) to a client. */
    public void addProtocolMapper(String realm, String clientId, JsonNode mapper) {
        require(Http.postJson(realmUrl(realm) + "/clients/" + clientUuid(realm, clientId)
                + "/protocol-mappers/models", token(), Json.write(mapper)), 201, "add mapper to " + clientId);
    }

    /** Maps a role of {@code roleClientId} into the role scope of client {@code clientId}. */
    public void addClientScopeMappingToClient(String realm, String clientId, String roleClientId, String role) {
        require(Http.postJson(realmUrl(realm) + "/clients/" + clientUuid(realm, clientId) + "/scope-mappings/clients/"
                + clientUuid(realm, roleClientId), token(), "[" + Json.write(clientRole(realm, roleClientId, role))
                + "]"), 204, "scope mapping " + roleClientId + "/" + role + " on " + clientId);
    }

    /** Maps a role of {@code roleClientId} into the role scope of the client scope {@code scopeName}. */
    public void addClientScopeMappingToScope(String realm, String scopeName, String roleClientId, String role) {
        require(Http.postJson(realmUrl(realm) + "/client-scopes/" + clientScopeId(realm, scopeName)
                + "/scope-mappings/clients/" + clientUuid(realm, roleClientId), token(),
                "[" + Json.write(clientRole(realm, roleClientId, role)) + "]"), 204,
                "scope mapping " + roleClientId + "/" + role + " on scope " + scopeName);
    }

    // ---------------------------------------------------------------- client scopes

    /** Creates a client scope and answers its id. */
    public String createClientScope(String realm, JsonNode scope) {
        HttpResult r = require(Http.postJson(realmUrl(realm) + "/client-scopes", token(), Json.write(scope)), 201,
                "create client scope " + scope.path("name").asText());
        return idFromLocation(r);
    }

    public String clientScopeId(String realm, String name) {
        HttpResult r = require(Http.get(realmUrl(realm) + "/client-scopes", token()), 200, "list client scopes");
        for (JsonNode s : r.json()) {
            if (name.equals(s.path("name").asText())) {
                return s.get("id").asText();
            }
        }
        throw new IllegalStateException("client scope " + name + " not found in realm " + realm);
    }

    public void addOptionalClientScope(String realm, String clientId, String scopeName) {
        require(Http.putJson(realmUrl(realm) + "/clients/" + clientUuid(realm, clientId) + "/optional-client-scopes/"
                + clientScopeId(realm, scopeName), token(), ""), 204, "add optional scope " + scopeName + " to "
                + clientId);
    }

    public void addDefaultClientScope(String realm, String clientId, String scopeName) {
        require(Http.putJson(realmUrl(realm) + "/clients/" + clientUuid(realm, clientId) + "/default-client-scopes/"
                + clientScopeId(realm, scopeName), token(), ""), 204, "add default scope " + scopeName + " to "
                + clientId);
    }

    // ---------------------------------------------------------------- users and sessions

    public String userId(String realm, String username) {
        HttpResult r = require(Http.get(realmUrl(realm) + "/users?exact=true&username=" + enc(username), token()),
                200, "find user " + username);
        if (r.json().size() != 1) {
            throw new IllegalStateException("user " + username + " not found in realm " + realm);
        }
        return r.json().get(0).get("id").asText();
    }

    public void setUserEnabled(String realm, String username, boolean enabled) {
        String id = userId(realm, username);
        ObjectNode user = (ObjectNode) require(Http.get(realmUrl(realm) + "/users/" + id, token()), 200,
                "get user").json();
        user.put("enabled", enabled);
        require(Http.putJson(realmUrl(realm) + "/users/" + id, token(), Json.write(user)), 204, "update user");
    }

    /**
     * A user of the realm (password = username) holding the given {@code realm-management} roles, none for an empty
     * list: a realm-local administrator, who gets tokens from the realm's {@code admin-cli}.
     */
    public void createRealmAdmin(String realm, String username, String... realmManagementRoles) {
        ObjectNode user = Json.object();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", username + "@example.com");
        user.put("emailVerified", true);
        user.put("firstName", username);
        user.put("lastName", "Admin");
        user.putArray("credentials").addObject().put("type", "password").put("value", username)
                .put("temporary", false);
        require(Http.postJson(realmUrl(realm) + "/users", token(), Json.write(user)), 201, "create " + username);
        for (String role : realmManagementRoles) {
            grantClientRole(realm, username, "realm-management", role);
        }
    }

    /** Grants the user a client role. */
    public void grantClientRole(String realm, String username, String roleClientId, String role) {
        require(Http.postJson(realmUrl(realm) + "/users/" + userId(realm, username) + "/role-mappings/clients/"
                + clientUuid(realm, roleClientId), token(), "[" + Json.write(clientRole(realm, roleClientId, role))
                + "]"), 204, "grant " + roleClientId + "/" + role + " to " + username);
    }

    /** Ends every session of the user (admin "Sign out"). */
    public void logoutUser(String realm, String username) {
        require(Http.postJson(realmUrl(realm) + "/users/" + userId(realm, username) + "/logout", token(), ""), 204,
                "logout user " + username);
    }

    /** Ends one user session by its id (the tokens' {@code sid}). */
    public void deleteSession(String realm, String sessionId) {
        require(Http.delete(realmUrl(realm) + "/sessions/" + enc(sessionId), token()), 204, "delete session");
    }

    public JsonNode userSessions(String realm, String username) {
        return require(Http.get(realmUrl(realm) + "/users/" + userId(realm, username) + "/sessions", token()), 200,
                "user sessions").json();
    }

    // ---------------------------------------------------------------- events

    /** Stored user events of a type (newest first), optionally for one client. */
    public List<JsonNode> events(String realm, String type, String clientId) {
        StringBuilder url = new StringBuilder(realmUrl(realm)).append("/events?max=500&type=").append(enc(type));
        if (clientId != null) {
            url.append("&client=").append(enc(clientId));
        }
        HttpResult r = require(Http.get(url.toString(), token()), 200, "events");
        List<JsonNode> out = new ArrayList<>();
        r.json().forEach(out::add);
        return out;
    }

    /** Polls the event store (writes can trail the HTTP answer a little) for an event matching the filter. */
    public JsonNode awaitEvent(String realm, String type, String clientId, Predicate<JsonNode> filter,
            Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (JsonNode e : events(realm, type, clientId)) {
                if (filter.test(e)) {
                    return e;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                return null;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    public void clearEvents(String realm) {
        require(Http.delete(realmUrl(realm) + "/events", token()), 204, "clear events");
    }

    // ---------------------------------------------------------------- keys

    /**
     * Adds an RSA signing key (PKCS#8, base64) with a high priority, so the realm signs new tokens with it; answers
     * the key's {@code kid}.
     */
    public String addRsaSigningKey(String realm, String pkcs8Base64, int priority) {
        String realmId = getRealm(realm).get("id").asText();
        ObjectNode c = Json.object();
        c.put("name", "it-rsa-" + priority);
        c.put("providerId", "rsa");
        c.put("providerType", "org.keycloak.keys.KeyProvider");
        c.put("parentId", realmId);
        ObjectNode cfg = c.putObject("config");
        cfg.putArray("privateKey").add(pkcs8Base64);
        cfg.putArray("priority").add(Integer.toString(priority));
        cfg.putArray("algorithm").add("RS256");
        cfg.putArray("active").add("true");
        cfg.putArray("enabled").add("true");
        HttpResult r = require(Http.postJson(realmUrl(realm) + "/components", token(), Json.write(c)), 201,
                "add RSA key");
        String componentId = idFromLocation(r);
        HttpResult keys = require(Http.get(realmUrl(realm) + "/keys", token()), 200, "list keys");
        for (JsonNode k : keys.json().path("keys")) {
            if (componentId.equals(k.path("providerId").asText())) {
                return k.get("kid").asText();
            }
        }
        throw new IllegalStateException("new key " + componentId + " not listed in realm " + realm);
    }

    // ---------------------------------------------------------------- helpers

    public String realmUrl(String realm) {
        return baseUrl + "/admin/realms/" + enc(realm);
    }

    private static String idFromLocation(HttpResult r) {
        String loc = r.header("Location").orElseThrow(() -> new IllegalStateException("no Location header"));
        return loc.substring(loc.lastIndexOf('/') + 1);
    }

    private static HttpResult require(HttpResult r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": expected HTTP " + status + ", got " + r.describe());
        }
        return r;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
