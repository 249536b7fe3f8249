package io.github.keycloakobo.clientpolicy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.util.JsonSerialization;

/**
 * Names the client policy and profile an {@code obo-policy} executor runs in, so that a refusal by its ceilings tells
 * the administrator which one to change. Keycloak hands an executor only its configuration; the names come from the
 * realm's stored policies and profiles: every enabled policy that applies a profile holding an {@code obo-policy}
 * executor with exactly this configuration (their conditions are not evaluated here: a profile shared by several
 * policies names them all). Parsed once per version of the realm's policies and profiles, one version kept per realm.
 */
final class PolicyOrigins {

    private static final Logger LOG = Logger.getLogger(PolicyOrigins.class);
    /** The realm's stored policies and profiles, and the names read from them. */
    private record RealmVersion(String realmId, String policies, String profiles,
                                Map<Map<String, Object>, String> origins) {

        boolean isOf(String policiesNow, String profilesNow) {
            return Objects.equals(policies, policiesNow) && Objects.equals(profiles, profilesNow);
        }
    }

    /** By realm id; replaced when the realm's policies or profiles change. */
    private static final Map<String, RealmVersion> VERSIONS = new ConcurrentHashMap<>();

    private PolicyOrigins() {
    }

    /** E.g. {@code client policy 'obo' (profile 'obo-ceilings')}; empty when no stored policy matches. */
    static Optional<String> of(RealmModel realm, Map<String, Object> configuration) {
        String policies = realm.getAttribute(Constants.CLIENT_POLICIES);
        String profiles = realm.getAttribute(Constants.CLIENT_PROFILES);
        RealmVersion version = VERSIONS.get(realm.getId());
        if (version == null || !version.isOf(policies, profiles)) {
            version = new RealmVersion(realm.getId(), policies, profiles, read(realm.getId(), policies, profiles));
            VERSIONS.put(realm.getId(), version);
        }
        return Optional.ofNullable(version.origins().get(configuration == null ? Map.of() : configuration));
    }

    private static Map<Map<String, Object>, String> read(String realmId, String policiesJson, String profilesJson) {
        if (policiesJson == null || profilesJson == null) {
            return Map.of();
        }
        try {
            List<ClientPolicyRepresentation> policies = Objects.requireNonNullElse(JsonSerialization
                    .readValue(policiesJson, ClientPoliciesRepresentation.class).getPolicies(), List.of());
            List<ClientProfileRepresentation> profiles = Objects.requireNonNullElse(JsonSerialization
                    .readValue(profilesJson, ClientProfilesRepresentation.class).getProfiles(), List.of());
            Map<Map<String, Object>, Set<String>> names = new java.util.HashMap<>();
            for (ClientProfileRepresentation profile : profiles) {
                for (ClientPolicyExecutorRepresentation executor : Objects.requireNonNullElse(profile.getExecutors(),
                        List.<ClientPolicyExecutorRepresentation>of())) {
                    if (!OboPolicyExecutorFactory.PROVIDER_ID.equals(executor.getExecutorProviderId())) {
                        continue;
                    }
                    Set<String> origins = names.computeIfAbsent(configuration(executor), key -> new LinkedHashSet<>());
                    for (ClientPolicyRepresentation policy : policies) {
                        if (Boolean.TRUE.equals(policy.isEnabled()) && policy.getProfiles() != null
                                && policy.getProfiles().contains(profile.getName())) {
                            origins.add("client policy '" + policy.getName() + "' (profile '" + profile.getName()
                                    + "')");
                        }
                    }
                }
            }
            Map<Map<String, Object>, String> described = new java.util.HashMap<>();
            names.forEach((configuration, origins) -> {
                if (!origins.isEmpty()) {
                    described.put(configuration, String.join(" or ", new ArrayList<>(origins)));
                }
            });
            return described;
        } catch (IOException | RuntimeException e) {
            LOG.debugf(e, "Could not read the client policies of realm %s to name an obo-policy", realmId);
            return Map.of();
        }
    }

    /** The configuration as the executor receives it (Keycloak converts the stored JSON the same way). */
    private static Map<String, Object> configuration(ClientPolicyExecutorRepresentation executor) {
        if (executor.getConfiguration() == null || executor.getConfiguration().isNull()) {
            return Map.of();
        }
        Map<String, Object> map = JsonSerialization.mapper
                .convertValue(executor.getConfiguration(), OboPolicyExecutor.Configuration.class).getConfigAsMap();
        return map == null ? Map.of() : map;
    }
}
