package io.github.keycloakobo.policy;

import java.util.Set;

/** A client that may be the target of an exchange, with the resource indicators ({@code obo.resource}) naming it. */
public record Target(String clientId, boolean enabled, Set<String> resources) {

    public Target {
        resources = Set.copyOf(resources);
    }
}
