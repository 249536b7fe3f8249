package io.github.keycloakobo.policy;

import java.util.List;
import java.util.Set;

/** The outcome of {@link OboPolicyEngine#decide}: a grant with its exact shape, or a precise refusal. */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

    /**
     * @param audiences         the exact {@code aud} of the new token
     * @param restrictedScopes  the client scopes Keycloak may apply (its restricted-scopes mechanism)
     * @param scopeParameter    the explicitly requested scopes to pass on, space-separated (empty for none)
     * @param notAfter          the latest {@code exp} allowed, epoch seconds
     * @param oboPath           the new token's {@code obo_path}
     * @param refreshToken      whether a refresh token was asked for (and allowed)
     */
    record Allow(List<String> audiences, Set<String> restrictedScopes, String scopeParameter, long notAfter,
                 List<String> oboPath, boolean refreshToken) implements Decision {
        public Allow {
            audiences = List.copyOf(audiences);
            restrictedScopes = Set.copyOf(restrictedScopes);
            oboPath = List.copyOf(oboPath);
        }

        public int hops() {
            return oboPath.size();
        }
    }

    record Deny(Denial denial) implements Decision {
    }
}
