package io.github.keycloakobo.grant;

import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import io.github.keycloakobo.compat.KeycloakApi;
import io.github.keycloakobo.policy.EntraScopes;
import io.github.keycloakobo.policy.ExchangeRequest;
import io.github.keycloakobo.policy.OboClientPolicy;
import io.github.keycloakobo.policy.OboDeniedException;
import io.github.keycloakobo.policy.RequestForm;
import io.github.keycloakobo.policy.TokenTypes;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.clientpolicy.context.TokenExchangeRequestContext;

/**
 * {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}: Microsoft Entra's on-behalf-of request
 * ({@code requested_token_use=on_behalf_of}) goes to the OBO core; every other request goes unchanged to
 * Keycloak's own RFC 7523 JWT authorization grant.
 */
public class EntraOboGrantType extends OAuth2GrantTypeBase {

    public static final String REQUESTED_TOKEN_USE = "requested_token_use";
    public static final String ON_BEHALF_OF = "on_behalf_of";

    private final KeycloakSession keycloakSession;
    /** Keycloak's own RFC 7523 grant, where this Keycloak has it and its feature is on (not in 26.4). */
    private final Optional<OAuth2GrantType> keycloakGrant;

    EntraOboGrantType(KeycloakSession session) {
        this.keycloakSession = session;
        this.keycloakGrant = KeycloakApi.get().jwtAuthorizationGrant();
    }

    @Override
    public EventType getEventType() {
        return isOnBehalfOf(keycloakSession.getContext().getHttpRequest().getDecodedFormParameters())
                ? EventType.TOKEN_EXCHANGE
                : keycloakGrant.map(OAuth2GrantType::getEventType).orElse(EventType.LOGIN);
    }

    @Override
    public Set<String> getTokenParameterNames() {
        return keycloakGrant.map(OAuth2GrantType::getTokenParameterNames).orElse(Set.of(OAuth2Constants.ASSERTION));
    }

    @Override
    public Response process(Context context) {
        if (!isOnBehalfOf(context.getFormParams())) {
            // exactly what this Keycloak answers without the extension
            return keycloakGrant.orElseThrow(() -> new CorsErrorResponseException(context.getCors(),
                    OAuthErrorException.UNSUPPORTED_GRANT_TYPE, "Unsupported " + OAuth2Constants.GRANT_TYPE,
                    Response.Status.BAD_REQUEST)).process(context);
        }
        setContext(context);
        event.client(client);
        // also on a refusal by the client policies below, which the audit and the metrics name by form
        event.detail(OboExchangeCore.DETAIL_REQUEST_FORM, RequestForm.JWT_BEARER_OBO.auditName());

        TokenRequestContext call = new TokenRequestContext(session, realm, client, event, cors, tokenManager, clientAuthAttributes,
                null);
        ExchangeRequest request;
        EntraScopes scopes;
        OboClientPolicy policy;
        String assertion = formParams.getFirst(OAuth2Constants.ASSERTION);
        try {
            policy = OboExchangeCore.sourcePolicy(client);
            scopes = EntraScopes.parse(formParams.getFirst(OAuth2Constants.SCOPE));
            // MSAL always adds offline_access: as in Entra, a refresh token comes only where the client may have one
            boolean refresh = scopes.offlineAccess() && policy.refreshTokenAllowed() && policy.refreshTokensEnabled();
            request = new ExchangeRequest(RequestForm.JWT_BEARER_OBO, client.getClientId(),
                    assertion != null && !assertion.isEmpty(), TokenTypes.ACCESS_TOKEN,
                    OboTokenExchangeProvider.forbiddenParameters(formParams),
                    scopes.audiences(), scopes.resources(), scopes.scopes(),
                    refresh ? TokenTypes.REFRESH_TOKEN : TokenTypes.ACCESS_TOKEN);
            // malformed requests are refused before the client policies run (some executors fail on them)
            OboExchangeCore.checkRequest(request);
            TokenExchangeContext exchange = OboExchangeCore.equivalentExchange(call, clientConnection, headers,
                    assertion, scopes.audiences(), scopes.resources(), scopes.scopes());
            OboExchangeCore.triggerClientPolicies(session, event, cors, new TokenExchangeRequestContext(exchange));
            call = call.withRestrictedScopes(KeycloakApi.get().restrictedScopes(exchange));
        } catch (OboDeniedException e) {
            throw OboExchangeCore.refuse(session, event, cors, client, e.denial());
        }
        Response answer = OboExchangeCore.exchange(call, request, assertion, () -> policy);
        // Entra answers in the request's vocabulary, and MSAL's token cache needs that to find the token again; the
        // token's own scope claim and the audit event's scope detail stay Keycloak's granted client scopes
        if (answer.getEntity() instanceof AccessTokenResponse token) {
            token.setScope(scopes.answerScope(token.getScope()));
        }
        return answer;
    }

    /** Only {@code requested_token_use=on_behalf_of} is this extension's; every other request is Keycloak's. */
    static boolean isOnBehalfOf(MultivaluedMap<String, String> form) {
        return form != null && ON_BEHALF_OF.equals(form.getFirst(REQUESTED_TOKEN_USE));
    }

    @Override
    public void close() {
        keycloakGrant.ifPresent(OAuth2GrantType::close);
    }
}
