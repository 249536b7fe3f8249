package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Client profiles and client policies of a realm (Realm settings &gt; Client policies), through the admin REST API. */
public final class ClientPolicies {

    public static final String OBO_EXECUTOR = "obo-policy";

    private final AdminApi admin;
    private final String realm;

    public ClientPolicies(AdminApi admin, String realm) {
        this.admin = admin;
        this.realm = realm;
    }

    /** A profile of executors; each executor is {@code {"executor": id, "configuration": {...}}}. */
    public static ObjectNode profile(String name, JsonNode... executors) {
        ObjectNode p = Json.object();
        p.put("name", name);
        ArrayNode list = p.putArray("executors");
        for (JsonNode e : executors) {
            list.add(e);
        }
        return p;
    }

    /** An executor of Keycloak's own, e.g. {@code reject-request}. */
    public static ObjectNode executor(String id, ObjectNode configuration) {
        ObjectNode e = Json.object();
        e.put("executor", id);
        e.set("configuration", configuration);
        return e;
    }

    public static ObjectNode oboExecutor(ObjectNode configuration) {
        ObjectNode e = Json.object();
        e.put("executor", OBO_EXECUTOR);
        e.set("configuration", configuration);
        return e;
    }

    /** PUT of the realm's profiles; answers the HTTP result (204 when stored). */
    public HttpResult putProfiles(JsonNode... profiles) {
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("profiles");
        for (JsonNode p : profiles) {
            list.add(p);
        }
        return Http.putJson(admin.realmUrl(realm) + "/client-policies/profiles", admin.token(), Json.write(body));
    }

    /** The realm's own profiles as stored ({@code GET .../client-policies/profiles}). */
    public JsonNode getProfiles() {
        HttpResult r = Http.get(admin.realmUrl(realm) + "/client-policies/profiles", admin.token());
        require(r, 200, "get client profiles");
        return r.json();
    }

    /** One enabled policy whose condition is {@code any-client}, applying the given profiles. */
    public void putAnyClientPolicy(String name, String... profiles) {
        putPolicy(name, "any-client", Json.object(), profiles);
    }

    /** One enabled policy with one condition, applying the given profiles (replaces the realm's policies). */
    public void putPolicy(String name, String conditionId, ObjectNode conditionConfiguration, String... profiles) {
        ObjectNode policy = Json.object();
        policy.put("name", name);
        policy.put("enabled", true);
        ObjectNode condition = policy.putArray("conditions").addObject();
        condition.put("condition", conditionId);
        condition.set("configuration", conditionConfiguration);
        ArrayNode names = policy.putArray("profiles");
        for (String p : profiles) {
            names.add(p);
        }
        ObjectNode body = Json.object();
        body.putArray("policies").add(policy);
        require(Http.putJson(admin.realmUrl(realm) + "/client-policies/policies", admin.token(), Json.write(body)),
                204, "put client policies");
    }

    public void clearPolicies() {
        require(Http.putJson(admin.realmUrl(realm) + "/client-policies/policies", admin.token(),
                "{\"policies\":[]}"), 204, "clear client policies");
    }

    private static void require(HttpResult r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": expected HTTP " + status + ", got " + r.describe());
        }
    }
}
