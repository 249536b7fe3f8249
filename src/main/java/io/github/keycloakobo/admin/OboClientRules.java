package io.github.keycloakobo.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.keycloakobo.policy.OboClientPolicy;
import io.github.keycloakobo.policy.Words;

/**
 * The OBO rules of one client as the admin REST resource shows them: the {@code obo.*} attributes (design.md section
 * 3) as typed JSON fields. Malformed stored values are shown as {@code null} with an entry in {@code errors}, never
 * as a failure of the whole answer.
 */
public final class OboClientRules {

    public static final String CLIENT_ID = "clientId";
    public static final String ENABLED = "enabled";
    public static final String AUDIENCES = "audiences";
    public static final String SCOPES = "scopes";
    public static final String MAX_HOPS = "maxHops";
    public static final String TOKEN_LIFETIME = "tokenLifetime";
    public static final String REFRESH_TOKEN = "refreshToken";
    /** Read-only: problems with the stored attributes; present only when there are some. */
    public static final String ERRORS = "errors";

    /** The JSON fields a client may send, and the attribute each one sets. */
    public static final Map<String, String> ATTRIBUTES = Map.of(
            ENABLED, OboClientPolicy.ENABLED,
            AUDIENCES, OboClientPolicy.AUDIENCES,
            SCOPES, OboClientPolicy.SCOPES,
            MAX_HOPS, OboClientPolicy.MAX_HOPS,
            TOKEN_LIFETIME, OboClientPolicy.TOKEN_LIFETIME,
            REFRESH_TOKEN, OboClientPolicy.REFRESH_TOKEN);

    private OboClientRules() {
    }

    /**
     * The rules of a client, in a stable field order: {@code clientId, enabled, audiences, scopes (null = no extra
     * ceiling), maxHops, tokenLifetime (null = the realm's/target's lifespan), refreshToken[, errors]}.
     */
    public static Map<String, Object> of(String clientId, Function<String, String> attributes) {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put(CLIENT_ID, clientId);
        rules.put(ENABLED, bool(attributes, ENABLED, errors));
        rules.put(AUDIENCES, new ArrayList<>(Words.split(attributes.apply(OboClientPolicy.AUDIENCES))));
        String scopes = attributes.apply(OboClientPolicy.SCOPES);
        rules.put(SCOPES, scopes == null || scopes.isBlank() ? null : new ArrayList<>(Words.split(scopes)));
        Integer hops = positiveInt(attributes, MAX_HOPS, errors);
        rules.put(MAX_HOPS, hops == null && !errors.containsKey(MAX_HOPS)
                ? Integer.valueOf(OboClientPolicy.DEFAULT_MAX_HOPS) : hops);
        rules.put(TOKEN_LIFETIME, positiveInt(attributes, TOKEN_LIFETIME, errors));
        rules.put(REFRESH_TOKEN, bool(attributes, REFRESH_TOKEN, errors));
        if (!errors.isEmpty()) {
            rules.put(ERRORS, errors);
        }
        return rules;
    }

    public static List<String> fieldNames() {
        return List.of(CLIENT_ID, ENABLED, AUDIENCES, SCOPES, MAX_HOPS, TOKEN_LIFETIME, REFRESH_TOKEN);
    }

    private static Boolean bool(Function<String, String> attributes, String field, Map<String, String> errors) {
        String attribute = ATTRIBUTES.get(field);
        String value = trimmed(attributes.apply(attribute));
        if (value == null || value.isEmpty() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        errors.put(field, attribute + " is '" + value + "', not true or false");
        return null;
    }

    private static Integer positiveInt(Function<String, String> attributes, String field, Map<String, String> errors) {
        String attribute = ATTRIBUTES.get(field);
        String value = trimmed(attributes.apply(attribute));
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.put(field, attribute + " is '" + value + "', not a whole number of at least 1");
        return null;
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
