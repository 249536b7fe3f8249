package io.github.keycloakobo.policy;

import java.util.OptionalInt;
import java.util.Set;

/**
 * A client that may be the target of an exchange.
 *
 * @param resources           the resource indicators ({@code obo.resource}) naming it
 * @param accessTokenLifespan its access token lifespan in seconds (its own, else the realm's): the default lifetime
 *                            of tokens for it; empty when unknown
 */
public record Target(String clientId, boolean enabled, Set<String> resources, OptionalInt accessTokenLifespan) {

    public Target {
        resources = Set.copyOf(resources);
    }

    public Target(String clientId, boolean enabled, Set<String> resources) {
        this(clientId, enabled, resources, OptionalInt.empty());
    }
}
