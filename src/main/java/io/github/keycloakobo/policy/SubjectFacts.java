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
 * @param oboPath    its {@code obo_path}: the clients that exchanged it, oldest first (empty straight from a login;
 *                   {@code [issuedFor]} for a token of Keycloak's own exchange, which writes none)
 * @param delegation whether it carries {@code act} or {@code may_act}
 * @param senderConstrained whether it is bound to a key or certificate of its holder ({@code cnf})
 * @param expiresAt  its {@code exp}, epoch seconds
 * @param mintedByExchange whether a token exchange issued it (Keycloak records the grant in the token id), whichever
 *                   provider did: then it went through at least one exchange even without {@code obo_path}
 */
public record SubjectFacts(String tokenId, String issuedFor, Set<String> audience, Set<String> scopes,
                           List<String> oboPath, boolean delegation, boolean senderConstrained,
                           long expiresAt, boolean mintedByExchange) {

    public SubjectFacts {
        audience = Set.copyOf(audience);
        scopes = Set.copyOf(scopes);
        // minted by an exchange that wrote no path (Keycloak's own): the client it was issued to made that exchange
        oboPath = oboPath.isEmpty() && mintedByExchange && issuedFor != null ? List.of(issuedFor) : List.copyOf(oboPath);
    }

    public SubjectFacts(String tokenId, String issuedFor, Set<String> audience, Set<String> scopes,
                        List<String> oboPath, boolean delegation, boolean senderConstrained, long expiresAt) {
        this(tokenId, issuedFor, audience, scopes, oboPath, delegation, senderConstrained, expiresAt, false);
    }

    /** The exchanges it went through: the length of its path (at least one when an exchange minted it). */
    public int hops() {
        return oboPath.size();
    }
}
