package io.github.keycloakobo.policy;

/**
 * What the refresh grant found about the bindings of an OBO refresh token that Keycloak verified, for
 * {@link OboPolicyEngine#checkRefresh}.
 *
 * @param recorded                   the token carries a {@link RecordedGrant}
 * @param issuedToRequester          it was issued to the requesting client (same client id and internal id)
 * @param afterClientNotBefore       it was issued after the client's not-before revocation
 * @param sessionActive              its user session is valid, started before it and belongs to its {@code sub}
 * @param userValid                  the user is enabled and still exists
 * @param subjectIssuedFor           the client the user's original token was issued to
 * @param subjectClientValid         that client exists and is enabled
 * @param subjectClientSessionActive the user's session at that client still exists, where it backed the exchange
 */
public record RefreshFacts(boolean recorded, boolean issuedToRequester, boolean afterClientNotBefore,
                           boolean sessionActive, boolean userValid, String subjectIssuedFor,
                           boolean subjectClientValid, boolean subjectClientSessionActive) {
}
