package io.github.keycloakobo.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Realm-wide limits that no client's policy can exceed: those of every {@code obo-policy} executor that ran for the
 * request, each kept with its origin so that a refusal names the client policy that refused. Together they mean
 * the lowest number, the union of denials and the intersection of scopes.
 */
public record RealmCeilings(List<RealmCeiling> ceilings) {

    /**
     * Keycloak's own clients that hold admin or account powers: never a target, unless a realm {@code obo-policy}
     * names its own {@code denied-audiences} without them.
     */
    public static final List<String> INTERNAL_CLIENTS = List.of("realm-management", "broker", "admin-cli",
            "security-admin-console", "account", "account-console");

    /** No limits at all. */
    public static final RealmCeilings NONE = new RealmCeilings(List.of());

    /** The limits of a realm without {@code obo-policy}: Keycloak's internal clients are denied. */
    public static final RealmCeilings DEFAULT = new RealmCeilings(List.of(new RealmCeiling(Optional.empty(),
            OptionalInt.empty(), OptionalInt.empty(), Set.copyOf(INTERNAL_CLIENTS), Optional.empty())));

    public RealmCeilings {
        ceilings = List.copyOf(ceilings);
    }

    /** The limits of one unnamed policy (tests, and callers that do not know the policy's name). */
    public RealmCeilings(OptionalInt maxHops, OptionalInt maxTokenLifetime, Set<String> deniedAudiences,
                         Optional<Set<String>> allowedScopes) {
        this(List.of(new RealmCeiling(Optional.empty(), maxHops, maxTokenLifetime, deniedAudiences, allowedScopes)));
    }

    public static RealmCeilings of(RealmCeiling ceiling) {
        return new RealmCeilings(List.of(ceiling));
    }

    /** Both sets of limits at once. */
    public RealmCeilings and(RealmCeilings other) {
        List<RealmCeiling> all = new ArrayList<>(ceilings);
        all.addAll(other.ceilings);
        return new RealmCeilings(all);
    }

    /** The ceiling with the lowest hop limit, if any sets one. */
    public Optional<RealmCeiling> hopCeiling() {
        return ceilings.stream().filter(c -> c.maxHops().isPresent())
                .min(Comparator.comparingInt(c -> c.maxHops().getAsInt()));
    }

    public OptionalInt maxHops() {
        return hopCeiling().map(RealmCeiling::maxHops).orElse(OptionalInt.empty());
    }

    public OptionalInt maxTokenLifetime() {
        return ceilings.stream().map(RealmCeiling::maxTokenLifetime).filter(OptionalInt::isPresent)
                .mapToInt(OptionalInt::getAsInt).min();
    }

    /** The first ceiling that denies {@code clientId} as a target. */
    public Optional<RealmCeiling> denying(String clientId) {
        return ceilings.stream().filter(c -> c.deniedAudiences().contains(clientId)).findFirst();
    }

    /** True when some ceiling limits the scopes at all. */
    public boolean limitsScopes() {
        return ceilings.stream().anyMatch(c -> c.allowedScopes().isPresent());
    }

    public boolean allowsScope(String scope) {
        return ceilings.stream().allMatch(c -> c.allowsScope(scope));
    }

    /** The first ceiling whose allowed scopes leave {@code scope} out. */
    public Optional<RealmCeiling> excluding(String scope) {
        return ceilings.stream().filter(c -> !c.allowsScope(scope)).findFirst();
    }

    /** Every target denied by some ceiling. */
    public Set<String> deniedAudiences() {
        Set<String> denied = new HashSet<>();
        ceilings.forEach(c -> denied.addAll(c.deniedAudiences()));
        return denied;
    }

    /** The scopes every limiting ceiling allows; empty when none limits scopes. */
    public Optional<Set<String>> allowedScopes() {
        Optional<Set<String>> allowed = Optional.empty();
        for (RealmCeiling c : ceilings) {
            if (c.allowedScopes().isPresent()) {
                Set<String> both = new HashSet<>(c.allowedScopes().get());
                allowed.ifPresent(both::retainAll);
                allowed = Optional.of(both);
            }
        }
        return allowed;
    }
}
