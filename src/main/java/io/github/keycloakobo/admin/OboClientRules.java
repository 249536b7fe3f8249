package io.github.keycloakobo.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.keycloakobo.policy.OboClientAttributes;
import io.github.keycloakobo.policy.OboClientPolicy;

/**
 * The OBO rules of one client as the admin REST resource shows them: the {@code obo.*} attributes (design.md section
 * 3) as typed JSON fields, read by {@link OboClientAttributes} exactly as the exchange reads them. Malformed stored
 * values are shown as {@code null} with an entry in {@code errors}, never as a failure of the whole answer.
 */
public final class OboClientRules {

    public static final String CLIENT_ID = "clientId";
    public static final String ENABLED = "enabled";
    public static final String AUDIENCES = "audiences";
    public static final String SCOPES = "scopes";
    public static final String MAX_HOPS = "maxHops";
    public static final String TOKEN_LIFETIME = "tokenLifetime";
    public static final String REFRESH_TOKEN = "refreshToken";
    /** As a target: the resource indicators ({@code obo.resource}) that name the client. */
    public static final String RESOURCES = "resources";
    /** Read-only: problems with the stored attributes; present only when there are some. */
    public static final String ERRORS = "errors";

    /** The JSON fields a client may send, and the attribute each one sets. */
    public static final Map<String, String> ATTRIBUTES = orderedMap(
            ENABLED, OboClientPolicy.ENABLED,
            AUDIENCES, OboClientPolicy.AUDIENCES,
            SCOPES, OboClientPolicy.SCOPES,
            MAX_HOPS, OboClientPolicy.MAX_HOPS,
            TOKEN_LIFETIME, OboClientPolicy.TOKEN_LIFETIME,
            REFRESH_TOKEN, OboClientPolicy.REFRESH_TOKEN,
            RESOURCES, OboClientPolicy.RESOURCE);

    private static Map<String, String> orderedMap(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    private OboClientRules() {
    }

    /**
     * The rules of a client, in a stable field order: {@code clientId, enabled, audiences, scopes (null = no extra
     * ceiling), maxHops, tokenLifetime (null = the realm's/target's lifespan), refreshToken, resources[, errors]}. A
     * malformed
     * field is {@code null}, with its problem under {@code errors}.
     */
    public static Map<String, Object> of(String clientId, Function<String, String> attributes) {
        OboClientAttributes read = OboClientAttributes.read(attributes);
        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put(CLIENT_ID, clientId);
        rules.put(ENABLED, malformed(read, ENABLED) ? null : read.enabled().orElse(false));
        rules.put(AUDIENCES, new ArrayList<>(read.audiences()));
        rules.put(SCOPES, read.scopeCeiling().map(ArrayList::new).orElse(null));
        rules.put(MAX_HOPS, malformed(read, MAX_HOPS) ? null
                : Integer.valueOf(read.maxHops().orElse(OboClientPolicy.DEFAULT_MAX_HOPS)));
        rules.put(TOKEN_LIFETIME, read.tokenLifetime().isPresent() ? Integer.valueOf(read.tokenLifetime().getAsInt())
                : null);
        rules.put(REFRESH_TOKEN, malformed(read, REFRESH_TOKEN) ? null : read.refreshToken().orElse(false));
        rules.put(RESOURCES, new ArrayList<>(read.resources()));
        if (!read.wellFormed()) {
            Map<String, String> errors = new LinkedHashMap<>();
            ATTRIBUTES.forEach((field, attribute) -> {
                String problem = read.problems().get(attribute);
                if (problem != null) {
                    errors.put(field, problem);
                }
            });
            rules.put(ERRORS, errors);
        }
        return rules;
    }

    public static List<String> fieldNames() {
        return List.of(CLIENT_ID, ENABLED, AUDIENCES, SCOPES, MAX_HOPS, TOKEN_LIFETIME, REFRESH_TOKEN, RESOURCES);
    }

    private static boolean malformed(OboClientAttributes read, String field) {
        return read.problems().containsKey(ATTRIBUTES.get(field));
    }
}
