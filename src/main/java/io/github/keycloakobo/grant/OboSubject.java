package io.github.keycloakobo.grant;

import io.github.keycloakobo.policy.SubjectFacts;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * The user an OBO token is issued for, with what the decision knows of the token being exchanged: a verified subject
 * token, or for a refresh the facts its refresh token recorded.
 *
 * @param userSession the user's session (never written to: tokens are issued on a transient copy of it)
 * @param issuedFor   the client the user's original token was issued to (its client session holds the user's level of
 *                    authentication)
 * @param clientSessionBound whether the token stands on {@code issuedFor}'s client session in the user session (a
 *                    token from a login; a token from an exchange stands on the user session alone)
 */
record OboSubject(UserModel user, UserSessionModel userSession, ClientModel issuedFor, SubjectFacts facts,
                  boolean clientSessionBound) {
}
