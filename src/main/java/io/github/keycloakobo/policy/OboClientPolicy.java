package io.github.keycloakobo.policy;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The OBO rules of one source client, read from its {@code obo.*} attributes (design.md section 3).
 *
 * @param enabled            {@code obo.enabled}
 * @param audiences          {@code obo.audiences}: the only targets this client may obtain tokens for
 * @param scopeCeiling       {@code obo.scopes}: empty means no extra ceiling
 * @param maxHops            {@code obo.max-hops}: accept subject tokens that went through fewer exchanges
 * @param tokenLifetime      {@code obo.token-lifetime} in seconds: empty means the realm's/target's lifespan
 * @param refreshTokenAllowed {@code obo.refresh-token}
 * @param refreshTokensEnabled Keycloak's own "Use refresh tokens" switch of the client ({@code use.refresh.tokens},
 *                            on unless set to anything but {@code true}, as Keycloak reads it)
 */
public record OboClientPolicy(boolean enabled, Set<String> audiences, Optional<Set<String>> scopeCeiling,
                              int maxHops, OptionalInt tokenLifetime, boolean refreshTokenAllowed,
                              boolean refreshTokensEnabled) {

    public static final String ENABLED = "obo.enabled";
    public static final String AUDIENCES = "obo.audiences";
    public static final String SCOPES = "obo.scopes";
    public static final String MAX_HOPS = "obo.max-hops";
    public static final String TOKEN_LIFETIME = "obo.token-lifetime";
    public static final String REFRESH_TOKEN = "obo.refresh-token";
    /** On a target client: the resource indicators (absolute URIs) that name it. */
    public static final String RESOURCE = "obo.resource";
    /** Keycloak's "Use refresh tokens" switch (OIDC advanced settings of the client). */
    public static final String USE_REFRESH_TOKENS = "use.refresh.tokens";

    public static final int DEFAULT_MAX_HOPS = 1;

    public OboClientPolicy(boolean enabled, Set<String> audiences, Optional<Set<String>> scopeCeiling, int maxHops,
                           OptionalInt tokenLifetime, boolean refreshTokenAllowed) {
        this(enabled, audiences, scopeCeiling, maxHops, tokenLifetime, refreshTokenAllowed, true);
    }

    public OboClientPolicy {
        audiences = Set.copyOf(audiences);
        scopeCeiling = scopeCeiling.map(Set::copyOf);
        if (maxHops < 1) {
            throw new IllegalArgumentException("maxHops must be at least 1");
        }
    }

    /** True when the attribute switch is on; cheap, no other attribute is read. */
    public static boolean isEnabled(Function<String, String> attributes) {
        return "true".equalsIgnoreCase(trimmed(attributes.apply(ENABLED)));
    }

    /**
     * Reads the policy from client attributes. A malformed value fails closed: it throws
     * {@link OboDeniedException} with {@code unauthorized_client}, naming the attribute.
     */
    public static OboClientPolicy fromAttributes(String clientId, Function<String, String> attributes) {
        String scopes = attributes.apply(SCOPES);
        return new OboClientPolicy(
                isEnabled(attributes),
                Words.split(attributes.apply(AUDIENCES)),
                scopes == null || scopes.isBlank() ? Optional.empty() : Optional.of(Words.split(scopes)),
                positiveInt(clientId, MAX_HOPS, attributes.apply(MAX_HOPS)).orElse(DEFAULT_MAX_HOPS),
                positiveInt(clientId, TOKEN_LIFETIME, attributes.apply(TOKEN_LIFETIME)),
                booleanValue(clientId, REFRESH_TOKEN, attributes.apply(REFRESH_TOKEN)),
                Optional.ofNullable(attributes.apply(USE_REFRESH_TOKENS)).map(Boolean::parseBoolean).orElse(true));
    }

    private static OptionalInt positiveInt(String clientId, String name, String raw) {
        String value = trimmed(raw);
        if (value == null || value.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) {
                return OptionalInt.of(parsed);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw misconfigured(clientId, name, "a positive integer");
    }

    private static boolean booleanValue(String clientId, String name, String raw) {
        String value = trimmed(raw);
        if (value == null || value.isEmpty() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw misconfigured(clientId, name, "true or false");
    }

    private static OboDeniedException misconfigured(String clientId, String name, String expected) {
        return new OboDeniedException(OAuthError.UNAUTHORIZED_CLIENT, "obo_policy_misconfigured",
                "The OBO policy of client '" + clientId + "' is misconfigured: attribute " + name
                        + " must be " + expected);
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
