package io.github.keycloakobo.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an OBO refresh token records of the exchange that issued it, so that every refresh re-runs the same decision
 * on the same facts (design.md section 5). It travels in the refresh token, which the realm signs, as the private
 * claim {@link #CLAIM}.
 *
 * @param oboPath          the issued token's {@code obo_path}: the subject's path plus the requester, last
 * @param audiences        the granted targets (the exact {@code aud})
 * @param requestedScopes  the scopes the exchange request named explicitly
 * @param subjectScopes    the {@code scope} of the exchange's subject token
 * @param subjectIssuedFor the {@code azp} of the exchange's subject token
 * @param subjectClientSession whether the subject token stood on its client's client session (a token from a login,
 *                         not from an exchange): then that client session must still exist at every refresh
 * @param sourceClient     the internal id of the client that made the exchange (a client deleted and created again
 *                         under the same client id is another client)
 */
public record RecordedGrant(List<String> oboPath, List<String> audiences, Set<String> requestedScopes,
                            Set<String> subjectScopes, String subjectIssuedFor, boolean subjectClientSession,
                            String sourceClient) {

    /** The refresh token's private claim that holds the record. */
    public static final String CLAIM = "obo_grant";

    private static final String PATH = "path";
    private static final String AUDIENCES = "aud";
    private static final String REQUESTED_SCOPE = "scope";
    private static final String SUBJECT_SCOPE = "subject_scope";
    private static final String SUBJECT_AZP = "subject_azp";
    private static final String SUBJECT_CLIENT_SESSION = "subject_client_session";
    private static final String SOURCE_CLIENT = "source_client";

    public RecordedGrant {
        oboPath = List.copyOf(oboPath);
        audiences = List.copyOf(audiences);
        requestedScopes = Collections.unmodifiableSet(new LinkedHashSet<>(requestedScopes));
        subjectScopes = Set.copyOf(subjectScopes);
        if (oboPath.isEmpty() || audiences.isEmpty() || subjectIssuedFor == null || sourceClient == null) {
            throw new IllegalArgumentException("an OBO grant has a path, targets, a subject client and a source");
        }
    }

    /** The record of an allowed exchange (or refresh) by the source client with internal id {@code sourceClient}. */
    public static RecordedGrant of(Decision.Allow allow, SubjectFacts subject, boolean subjectClientSession,
                                   String sourceClient) {
        return new RecordedGrant(allow.oboPath(), allow.audiences(), SpaceSeparated.split(allow.scopeParameter()),
                subject.scopes(), subject.issuedFor(), subjectClientSession, sourceClient);
    }

    /** The claim's JSON value. */
    public Map<String, Object> toClaim() {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put(PATH, oboPath);
        claim.put(AUDIENCES, audiences);
        claim.put(REQUESTED_SCOPE, SpaceSeparated.join(requestedScopes));
        claim.put(SUBJECT_SCOPE, SpaceSeparated.join(subjectScopes));
        claim.put(SUBJECT_AZP, subjectIssuedFor);
        claim.put(SUBJECT_CLIENT_SESSION, subjectClientSession);
        claim.put(SOURCE_CLIENT, sourceClient);
        return claim;
    }

    /**
     * Reads the claim of a (signature-checked) refresh token; empty when the claim is absent or not of this shape
     * (for example a refresh token of an earlier version of the extension).
     */
    public static Optional<RecordedGrant> fromClaim(Object claim) {
        if (!(claim instanceof Map<?, ?> map)) {
            return Optional.empty();
        }
        Optional<List<String>> path = strings(map.get(PATH));
        Optional<List<String>> audiences = strings(map.get(AUDIENCES));
        if (path.isEmpty() || path.get().isEmpty() || audiences.isEmpty() || audiences.get().isEmpty()
                || !(map.get(REQUESTED_SCOPE) instanceof String requested)
                || !(map.get(SUBJECT_SCOPE) instanceof String subjectScope)
                || !(map.get(SUBJECT_AZP) instanceof String azp) || azp.isBlank()
                || !(map.get(SUBJECT_CLIENT_SESSION) instanceof Boolean clientSession)
                || !(map.get(SOURCE_CLIENT) instanceof String source) || source.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new RecordedGrant(path.get(), audiences.get(), SpaceSeparated.split(requested),
                SpaceSeparated.split(subjectScope), azp, clientSession, source));
    }

    /** The client that made the exchange (and alone may refresh it). */
    public String requester() {
        return oboPath.get(oboPath.size() - 1);
    }

    /** The refresh as a request: the same targets and scopes as the exchange, again with a refresh token. */
    public ExchangeRequest refreshRequest() {
        return new ExchangeRequest(RequestForm.REFRESH, requester(), true, TokenTypes.ACCESS_TOKEN, Set.of(),
                audiences, List.of(), requestedScopes, TokenTypes.REFRESH_TOKEN);
    }

    /**
     * The exchange's subject token as far as the decision needs it, valid until {@code notAfter} (the refresh
     * token's own expiry: nothing refreshed from it outlives it).
     */
    public SubjectFacts subject(String refreshTokenId, long notAfter) {
        return new SubjectFacts(refreshTokenId, subjectIssuedFor, Set.of(requester()), subjectScopes,
                oboPath.subList(0, oboPath.size() - 1), false, false, notAfter);
    }

    private static Optional<List<String>> strings(Object value) {
        if (value instanceof List<?> list && list.stream().allMatch(e -> e instanceof String s && !s.isBlank())) {
            return Optional.of(list.stream().map(String.class::cast).toList());
        }
        return Optional.empty();
    }
}
