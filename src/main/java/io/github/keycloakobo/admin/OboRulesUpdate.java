package io.github.keycloakobo.admin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.keycloakobo.policy.OboClientPolicy;
import io.github.keycloakobo.policy.OboPolicyEngine;

/**
 * A {@code PUT /admin/realms/{realm}/obo/clients/{clientId}} body, checked completely before anything is written.
 *
 * <p>Semantics: the fields present are set, absent fields are left as they are, and {@code null} puts a field back to
 * its default (the attribute is removed). {@code clientId} and {@code errors} are read-only: {@code clientId} may be
 * sent (a GET answer can be sent back) but must name the client of the path; {@code errors} is ignored.
 */
public final class OboRulesUpdate {

    /** A refused field and why. */
    public record Problem(String field, String message) {
    }

    /** Bounds of a body: its length, the entries of a list, the length of a name (Keycloak's client id limit). */
    public static final int MAX_BODY_CHARS = 65_536;
    public static final int MAX_NAMES = 100;
    public static final int MAX_NAME_CHARS = 255;

    private static final Pattern NAME = Pattern.compile("\\S+");

    private final List<Problem> problems;
    private final Map<String, String> changes;

    private OboRulesUpdate(List<Problem> problems, Map<String, String> changes) {
        this.problems = List.copyOf(problems);
        this.changes = changes;
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    public List<Problem> problems() {
        return problems;
    }

    /** Attribute name to new value; a {@code null} value removes the attribute. Only for a valid update. */
    public Map<String, String> changes() {
        if (!valid()) {
            throw new IllegalStateException("invalid update");
        }
        return java.util.Collections.unmodifiableMap(changes);
    }

    /**
     * @param clientId     the client of the path
     * @param publicClient whether that client is public (a public client cannot be enabled: the exchange refuses it)
     * @param clientExists whether a client id names a client of the realm that the caller may view (for
     *                     {@code audiences})
     */
    public static OboRulesUpdate parse(String clientId, JsonNode body, boolean publicClient,
                                       Predicate<String> clientExists) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> changes = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            problems.add(new Problem(null, "The request body must be a JSON object with some of the fields "
                    + String.join(", ", OboClientRules.fieldNames())));
            return new OboRulesUpdate(problems, changes);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case OboClientRules.CLIENT_ID -> {
                    if (!value.isTextual() || !value.asText().equals(clientId)) {
                        problems.add(new Problem(name, "clientId is read-only; if sent, it must be '" + clientId + "'"));
                    }
                }
                case OboClientRules.ERRORS -> {
                    // read-only, as found in a GET answer: ignored
                }
                case OboClientRules.ENABLED -> {
                    Boolean enabled = bool(name, value, problems);
                    if (Boolean.TRUE.equals(enabled) && publicClient) {
                        problems.add(new Problem(name, "Client '" + clientId + "' is public; only confidential "
                                + "clients can exchange tokens on behalf of users"));
                    }
                    put(changes, OboClientPolicy.ENABLED, enabled == null ? null : enabled.toString(), problems,
                            name);
                }
                case OboClientRules.REFRESH_TOKEN -> {
                    Boolean allowed = bool(name, value, problems);
                    put(changes, OboClientPolicy.REFRESH_TOKEN, allowed == null ? null : allowed.toString(),
                            problems, name);
                }
                case OboClientRules.MAX_HOPS -> put(changes, OboClientPolicy.MAX_HOPS,
                        positiveInt(name, value, "a whole number of at least 1", problems), problems, name);
                case OboClientRules.TOKEN_LIFETIME -> put(changes, OboClientPolicy.TOKEN_LIFETIME,
                        positiveInt(name, value, "a whole number of seconds of at least 1", problems),
                        problems, name);
                case OboClientRules.AUDIENCES -> {
                    Set<String> audiences = names(name, value, problems);
                    if (audiences != null) {
                        for (String audience : audiences) {
                            if (!clientExists.test(audience)) {
                                problems.add(new Problem(name, "Unknown target client '" + audience
                                        + "': no client of this realm that you may view has that client id"));
                            }
                        }
                    }
                    put(changes, OboClientPolicy.AUDIENCES,
                            audiences == null || audiences.isEmpty() ? null : String.join(" ", audiences),
                            problems, name);
                }
                case OboClientRules.SCOPES -> {
                    Set<String> scopes = names(name, value, problems);
                    if (scopes != null && scopes.isEmpty()) {
                        problems.add(new Problem(name, "scopes must name at least one scope; send null for no "
                                + "extra scope ceiling"));
                    }
                    put(changes, OboClientPolicy.SCOPES, scopes == null || scopes.isEmpty() ? null
                            : String.join(" ", scopes), problems, name);
                }
                case OboClientRules.RESOURCES -> {
                    Set<String> resources = names(name, value, problems);
                    if (resources != null) {
                        for (String resource : resources) {
                            if (!OboPolicyEngine.isResourceIndicator(resource)) {
                                problems.add(new Problem(name, "resources must be absolute URIs without a fragment, "
                                        + "got '" + resource + "'"));
                            }
                        }
                    }
                    put(changes, OboClientPolicy.RESOURCE,
                            resources == null || resources.isEmpty() ? null : String.join(" ", resources),
                            problems, name);
                }
                default -> problems.add(new Problem(name, "Unknown field '" + name + "'; the fields are "
                        + String.join(", ", OboClientRules.fieldNames())));
            }
        }
        return new OboRulesUpdate(problems, changes);
    }

    /** Records a change unless the field was refused; a null value removes the attribute (back to its default). */
    private static void put(Map<String, String> changes, String attribute, String newValue,
                            List<Problem> problems, String field) {
        if (problems.stream().noneMatch(p -> field.equals(p.field()))) {
            changes.put(attribute, newValue);
        }
    }

    private static Boolean bool(String field, JsonNode value, List<Problem> problems) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            problems.add(new Problem(field, field + " must be true, false or null, got " + describe(value)));
            return null;
        }
        return value.booleanValue();
    }

    private static String positiveInt(String field, JsonNode value, String expected, List<Problem> problems) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            problems.add(new Problem(field, field + " must be " + expected + " (or null for the default), got "
                    + describe(value)));
            return null;
        }
        return Integer.toString(value.intValue());
    }

    /** A JSON array of names (no whitespace inside a name); null for JSON null or a refused value. */
    private static Set<String> names(String field, JsonNode value, List<Problem> problems) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            problems.add(new Problem(field, field + " must be a JSON array of strings (or null), got "
                    + describe(value)));
            return null;
        }
        if (value.size() > MAX_NAMES) {
            problems.add(new Problem(field, field + " may list at most " + MAX_NAMES + " names, got " + value.size()));
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode item : value) {
            if (item.isTextual() && item.asText().length() > MAX_NAME_CHARS) {
                problems.add(new Problem(field, field + " names are at most " + MAX_NAME_CHARS + " characters long, "
                        + "got one of " + item.asText().length()));
                return null;
            }
            if (!item.isTextual() || !NAME.matcher(item.asText()).matches()) {
                problems.add(new Problem(field, field + " must contain non-empty strings without spaces, got "
                        + describe(item)));
                return null;
            }
            names.add(item.asText());
        }
        return names;
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
