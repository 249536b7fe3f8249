package io.github.keycloakobo.policy;

import java.util.List;
import java.util.Set;

/**
 * What a verified subject token says (signature, issuer, lifetime, session and user were checked before).
 *
 * @param tokenId    its {@code jti}
 * @param issuedFor  its {@code azp}
 * @param audience   its {@code aud}
 * @param scopes     its {@code scope}
 * @param oboPath    its {@code obo_path}: the clients that exchanged it, oldest first (empty straight from a login)
 * @param delegation whether it carries {@code act} or {@code may_act}
 * @param senderConstrained whether it is bound to a key or certificate of its holder ({@code cnf})
 * @param expiresAt  its {@code exp}, epoch seconds
 */
public record SubjectFacts(String tokenId, String issuedFor, Set<String> audience, Set<String> scopes,
                           List<String> oboPath, boolean delegation, boolean senderConstrained,
                           long expiresAt) {

    public SubjectFacts {
        audience = Set.copyOf(audience);
        scopes = Set.copyOf(scopes);
        oboPath = List.copyOf(oboPath);
    }

    public int hops() {
        return oboPath.size();
    }
}
