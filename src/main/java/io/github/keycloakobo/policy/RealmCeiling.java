package io.github.keycloakobo.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The realm-wide limits of one {@code obo-policy} executor, named after where an administrator finds it.
 *
 * @param origin           the client policy and profile the executor runs in, as a refusal names it (e.g.
 *                         {@code client policy 'obo' (profile 'obo-ceilings')}); empty for the built-in default
 * @param maxHops          ceiling on any client's {@code obo.max-hops}
 * @param maxTokenLifetime ceiling in seconds on exchanged tokens' lifetime
 * @param deniedAudiences  targets no client may obtain tokens for
 * @param allowedScopes    realm-wide scope ceiling; empty means none
 */
public record RealmCeiling(Optional<String> origin, OptionalInt maxHops, OptionalInt maxTokenLifetime,
                           Set<String> deniedAudiences, Optional<Set<String>> allowedScopes) {

    public RealmCeiling {
        Objects.requireNonNull(origin, "origin");
        deniedAudiences = Set.copyOf(deniedAudiences);
        allowedScopes = allowedScopes.map(Set::copyOf);
    }

    public boolean allowsScope(String scope) {
        return allowedScopes.map(allowed -> allowed.contains(scope)).orElse(true);
    }

    /** Where the limit comes from, for a refusal's description. */
    public String describeOrigin() {
        return origin.orElse("the realm's obo-policy");
    }
}
