package io.github.keycloakobo.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one reading of a client's {@code obo.*} attributes (design.md section 3), for the exchange, the refresh, the
 * admin REST resource and the report of stored configuration alike. Values are canonical: {@code true} or
 * {@code false}, decimal whole numbers without sign, spaces or leading zeros, lists separated by whitespace; an
 * absent or empty attribute means its default. Anything else is a problem, named by its attribute, and makes the
 * whole policy malformed (refused, never read as "off").
 *
 * @param enabled        {@code obo.enabled}; empty when not set or malformed
 * @param audiences      {@code obo.audiences}
 * @param scopeCeiling   {@code obo.scopes}; empty means no extra ceiling
 * @param maxHops        {@code obo.max-hops}; empty when not set or malformed
 * @param tokenLifetime  {@code obo.token-lifetime}; empty when not set or malformed
 * @param refreshToken   {@code obo.refresh-token}; empty when not set or malformed
 * @param refreshTokensEnabled Keycloak's own "Use refresh tokens" switch ({@code use.refresh.tokens}), read as Keycloak
 *                       reads it: on unless set to anything but {@code true}
 * @param resources      {@code obo.resource}: as a target, the resource indicators that name this client
 * @param problems       attribute name to what is wrong with its value, in attribute order; empty when well-formed
 */
public record OboClientAttributes(Optional<Boolean> enabled, Set<String> audiences, Optional<Set<String>> scopeCeiling,
                                  OptionalInt maxHops, OptionalInt tokenLifetime, Optional<Boolean> refreshToken,
                                  boolean refreshTokensEnabled, Set<String> resources, Map<String, String> problems) {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[1-9][0-9]{0,9}");

    public OboClientAttributes {
        // in the order stored, as the admin API shows them
        audiences = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(audiences));
        scopeCeiling = scopeCeiling.map(s -> java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(s)));
        resources = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(resources));
        problems = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(problems));
    }

    /**
     * True when the client hands its token exchange to this extension: {@code obo.enabled} is set to anything but
     * {@code false}. A malformed value counts, so that it is refused as such instead of falling through to Keycloak's
     * own exchange. Reads no other attribute.
     */
    public static boolean claimsExchange(Function<String, String> attributes) {
        String value = attributes.apply(OboClientPolicy.ENABLED);
        return value != null && !value.isEmpty() && !value.equals("false");
    }

    public static OboClientAttributes read(Function<String, String> attributes) {
        Map<String, String> problems = new LinkedHashMap<>();
        String scopes = attributes.apply(OboClientPolicy.SCOPES);
        return new OboClientAttributes(
                bool(attributes, OboClientPolicy.ENABLED, problems),
                SpaceSeparated.split(attributes.apply(OboClientPolicy.AUDIENCES)),
                scopes == null || scopes.isBlank() ? Optional.empty() : Optional.of(SpaceSeparated.split(scopes)),
                wholeNumber(attributes, OboClientPolicy.MAX_HOPS, problems),
                wholeNumber(attributes, OboClientPolicy.TOKEN_LIFETIME, problems),
                bool(attributes, OboClientPolicy.REFRESH_TOKEN, problems),
                Optional.ofNullable(attributes.apply(OboClientPolicy.USE_REFRESH_TOKENS)).map(Boolean::parseBoolean)
                        .orElse(true),
                resources(attributes),
                problems);
    }

    /** {@code obo.resource} alone: what the exchange reads of a target. */
    public static Set<String> resources(Function<String, String> attributes) {
        return SpaceSeparated.split(attributes.apply(OboClientPolicy.RESOURCE));
    }

    public boolean wellFormed() {
        return problems.isEmpty();
    }

    /** The policy these attributes describe; only when they are well-formed. */
    public OboClientPolicy policy() {
        if (!wellFormed()) {
            throw new IllegalStateException("malformed OBO attributes: " + problems);
        }
        return new OboClientPolicy(enabled.orElse(false), audiences, scopeCeiling,
                maxHops.orElse(OboClientPolicy.DEFAULT_MAX_HOPS), tokenLifetime, refreshToken.orElse(false),
                refreshTokensEnabled);
    }

    /** One sentence naming every malformed attribute, for an error description, a log line or the admin API. */
    public String describeProblems() {
        return String.join("; ", problems.values());
    }

    private static Optional<Boolean> bool(Function<String, String> attributes, String name,
                                          Map<String, String> problems) {
        String value = attributes.apply(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.equals("true") || value.equals("false")) {
            return Optional.of(Boolean.valueOf(value));
        }
        problems.put(name, name + " is '" + abbreviate(value) + "', not true or false");
        return Optional.empty();
    }

    private static OptionalInt wholeNumber(Function<String, String> attributes, String name,
                                           Map<String, String> problems) {
        String value = attributes.apply(name);
        if (value == null || value.isEmpty()) {
            return OptionalInt.empty();
        }
        if (WHOLE_NUMBER.matcher(value).matches() && Long.parseLong(value) <= Integer.MAX_VALUE) {
            return OptionalInt.of(Integer.parseInt(value));
        }
        problems.put(name, name + " is '" + abbreviate(value) + "', not a whole number of at least 1");
        return OptionalInt.empty();
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
