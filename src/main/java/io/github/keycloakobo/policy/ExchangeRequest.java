package io.github.keycloakobo.policy;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parameters of one exchange request, as plain values.
 *
 * @param form                the request's form (RFC 8693 or Entra OBO)
 * @param requester           client id of the authenticated requesting (source) client
 * @param subjectTokenPresent whether a subject token (or Entra assertion) was sent
 * @param subjectTokenType    {@code subject_token_type} as sent (null when absent)
 * @param forbiddenParameters names of impersonation-incompatible parameters that were sent
 *                            ({@code actor_token}, {@code requested_subject}, ...)
 * @param audiences           {@code audience} values, in order
 * @param resources           {@code resource} values, in order
 * @param scopes              the explicitly requested scopes
 * @param requestedTokenType  {@code requested_token_type} as sent (null when absent)
 */
public record ExchangeRequest(RequestForm form, String requester, boolean subjectTokenPresent,
                              String subjectTokenType, Set<String> forbiddenParameters,
                              List<String> audiences, List<String> resources, Set<String> scopes,
                              String requestedTokenType) {

    public ExchangeRequest {
        forbiddenParameters = Set.copyOf(forbiddenParameters);
        audiences = List.copyOf(audiences);
        resources = List.copyOf(resources);
        scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
    }
}
