package io.github.keycloakobo.policy;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The OBO rules of one source client, read from its {@code obo.*} attributes (design.md section 3).
 *
 * @param enabled            {@code obo.enabled}
 * @param audiences          {@code obo.audiences}: the only targets this client may obtain tokens for
 * @param scopeCeiling       {@code obo.scopes}: empty means no extra ceiling
 * @param maxHops            {@code obo.max-hops}: accept subject tokens that went through fewer exchanges
 * @param tokenLifetime      {@code obo.token-lifetime} in seconds: empty means the realm's/target's lifespan
 * @param refreshTokenAllowed {@code obo.refresh-token}
 * @param refreshTokensEnabled Keycloak's own "Use refresh tokens" switch of the client ({@code use.refresh.tokens})
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
    /** The refusal reason of a client whose {@code obo.*} attributes are malformed. */
    public static final String MISCONFIGURED = "obo_policy_misconfigured";

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
}
