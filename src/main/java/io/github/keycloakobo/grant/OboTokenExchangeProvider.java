package io.github.keycloakobo.grant;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import io.github.keycloakobo.compat.KeycloakApi;
import io.github.keycloakobo.policy.ExchangeRequest;
import io.github.keycloakobo.policy.OboClientAttributes;
import io.github.keycloakobo.policy.OboDeniedException;
import io.github.keycloakobo.policy.RequestForm;
import io.github.keycloakobo.policy.SpaceSeparated;
import org.keycloak.OAuth2Constants;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenManager;

/**
 * RFC 8693 token exchange with impersonation semantics for clients that switched {@code obo.enabled} on.
 * For those clients it owns every exchange request and fails closed; all other clients keep Keycloak's own providers.
 */
public class OboTokenExchangeProvider implements TokenExchangeProvider {

    /** Parameters of delegation and cross-issuer exchange, which an on-behalf-of exchange refuses. */
    static final List<String> FORBIDDEN_PARAMETERS = List.of(OAuth2Constants.ACTOR_TOKEN,
            OAuth2Constants.ACTOR_TOKEN_TYPE, OAuth2Constants.REQUESTED_SUBJECT, OAuth2Constants.REQUESTED_ISSUER,
            OAuth2Constants.SUBJECT_ISSUER);

    /**
     * True for every request of a client with {@code obo.enabled}. A public client, a malformed OBO policy or a
     * malformed request is refused right here, before Keycloak runs the client policies of the exchange: some of its
     * own executors read the subject token and fail on a missing one.
     */
    @Override
    public boolean supports(TokenExchangeContext context) {
        if (context.getClient() == null || !OboClientAttributes.claimsExchange(context.getClient()::getAttribute)) {
            return false;
        }
        try {
            OboExchangeCore.precheck(context.getClient(), request(context));
        } catch (OboDeniedException e) {
            context.getEvent().detail(OboExchangeCore.DETAIL_REQUEST_FORM, RequestForm.TOKEN_EXCHANGE.auditName());
            throw OboExchangeCore.refuse(context.getSession(), context.getEvent(), context.getCors(),
                    context.getClient(), e.denial());
        }
        return true;
    }

    @Override
    public Response exchange(TokenExchangeContext context) {
        TokenRequestContext call = new TokenRequestContext(context.getSession(), context.getRealm(), context.getClient(),
                context.getEvent(), context.getCors(), (TokenManager) context.getTokenManager(),
                context.getClientAuthAttributes(), KeycloakApi.get().restrictedScopes(context));
        ExchangeRequest request = request(context);
        // supports() ran the same checks in another call of Keycloak's: they run again, as the answer to a refusal
        // belongs to this one
        return OboExchangeCore.exchange(call, request, context.getParams().getSubjectToken(),
                () -> OboExchangeCore.precheck(context.getClient(), request));
    }

    private static ExchangeRequest request(TokenExchangeContext context) {
        TokenExchangeContext.Params params = context.getParams();
        return new ExchangeRequest(RequestForm.TOKEN_EXCHANGE, context.getClient().getClientId(),
                present(params.getSubjectToken()), params.getSubjectTokenType(),
                forbiddenParameters(context.getFormParams()),
                orEmpty(params.getAudience()), orEmpty(params.getResource()), SpaceSeparated.split(params.getScope()),
                params.getRequestedTokenType());
    }

    /** The delegation and cross-issuer parameters present in a request (either form), which are refused. */
    static Set<String> forbiddenParameters(MultivaluedMap<String, String> form) {
        Set<String> forbidden = new LinkedHashSet<>();
        for (String name : FORBIDDEN_PARAMETERS) {
            if (form.containsKey(name)) {
                forbidden.add(name);
            }
        }
        return forbidden;
    }

    private static boolean present(String value) {
        return value != null && !value.isEmpty();
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    /** Keycloak 26.4 and 26.5 declare it (the exchange's protocol version; 2 is the standard one), 26.7 not. */
    public int getVersion() {
        return 2;
    }

    @Override
    public void close() {
    }
}
