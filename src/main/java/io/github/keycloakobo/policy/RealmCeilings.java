package io.github.keycloakobo.policy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Realm-wide limits that no client's policy can exceed (the {@code obo-policy} client-policy executor).
 *
 * @param maxHops          ceiling on any client's {@code obo.max-hops}
 * @param maxTokenLifetime ceiling in seconds on exchanged tokens' lifetime
 * @param deniedAudiences  targets no client may obtain tokens for
 * @param allowedScopes    realm-wide scope ceiling; empty means none
 */
public record RealmCeilings(OptionalInt maxHops, OptionalInt maxTokenLifetime, Set<String> deniedAudiences,
                            Optional<Set<String>> allowedScopes) {

    /**
     * Keycloak's own clients that hold admin or account powers: never a target, unless a realm {@code obo-policy}
     * names its own {@code denied-audiences} without them.
     */
    public static final List<String> INTERNAL_CLIENTS = List.of("realm-management", "broker", "admin-cli",
            "security-admin-console", "account", "account-console");

    /** No limits at all. */
    public static final RealmCeilings NONE =
            new RealmCeilings(OptionalInt.empty(), OptionalInt.empty(), Set.of(), Optional.empty());

    /** The limits of a realm without {@code obo-policy}: Keycloak's internal clients are denied. */
    public static final RealmCeilings DEFAULT =
            new RealmCeilings(OptionalInt.empty(), OptionalInt.empty(), Set.copyOf(INTERNAL_CLIENTS), Optional.empty());

    public RealmCeilings {
        deniedAudiences = Set.copyOf(deniedAudiences);
        allowedScopes = allowedScopes.map(Set::copyOf);
    }

    /** Both sets of limits at once: the lower number, the union of denials, the intersection of scopes. */
    public RealmCeilings and(RealmCeilings other) {
        Set<String> denied = new java.util.HashSet<>(deniedAudiences);
        denied.addAll(other.deniedAudiences);
        Optional<Set<String>> scopes;
        if (allowedScopes.isPresent() && other.allowedScopes.isPresent()) {
            Set<String> both = new java.util.HashSet<>(allowedScopes.get());
            both.retainAll(other.allowedScopes.get());
            scopes = Optional.of(both);
        } else {
            scopes = allowedScopes.isPresent() ? allowedScopes : other.allowedScopes;
        }
        return new RealmCeilings(min(maxHops, other.maxHops), min(maxTokenLifetime, other.maxTokenLifetime),
                denied, scopes);
    }

    private static OptionalInt min(OptionalInt a, OptionalInt b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return OptionalInt.of(Math.min(a.getAsInt(), b.getAsInt()));
    }
}
