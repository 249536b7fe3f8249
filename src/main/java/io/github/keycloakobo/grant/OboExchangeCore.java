package io.github.keycloakobo.grant;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.github.keycloakobo.compat.KeycloakApi;
import io.github.keycloakobo.metrics.OboMetrics;
import io.github.keycloakobo.policy.Decision;
import io.github.keycloakobo.policy.Denial;
import io.github.keycloakobo.policy.ExchangeRequest;
import io.github.keycloakobo.policy.OAuthError;
import io.github.keycloakobo.policy.OboClientAttributes;
import io.github.keycloakobo.policy.OboClientPolicy;
import io.github.keycloakobo.policy.OboDeniedException;
import io.github.keycloakobo.policy.OboPolicyEngine;
import io.github.keycloakobo.policy.RealmCeilings;
import io.github.keycloakobo.policy.RequestForm;
import io.github.keycloakobo.policy.SourceScope;
import io.github.keycloakobo.policy.Target;
import io.github.keycloakobo.policy.TokenTypes;
import io.github.keycloakobo.policy.SpaceSeparated;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.cors.Cors;

/**
 * The OBO core behind every entry point: the RFC 8693 form ({@link OboTokenExchangeProvider}), the Entra form
 * ({@link EntraOboGrantType}) and the refresh ({@link OboRefreshGrantType}) hand their request to it to check it,
 * verify the subject token, decide, issue and audit.
 */
final class OboExchangeCore {

    /** Session attribute through which the realm's client-policy executor hands its ceilings to the exchange. */
    static final String REALM_CEILINGS_ATTRIBUTE = "obo.realm-ceilings";

    static final String DETAIL_SUBJECT_TOKEN_ID = "subject_token_id";
    static final String DETAIL_HOPS = "obo_hops";
    static final String DETAIL_REQUEST_FORM = "obo_request_form";
    static final String DETAIL_RESOURCE = "resource";
    static final String SERVER_ERROR = OboMetrics.SERVER_ERROR;
    /** Session attribute: when the OBO work of this request began ({@link System#nanoTime()}), for its timer. */
    private static final String STARTED_ATTRIBUTE = "obo.started";

    private static final Logger LOG = Logger.getLogger(OboExchangeCore.class);
    private static final Set<String> REPORTED_MISCONFIGURATIONS = ConcurrentHashMap.newKeySet();

    private OboExchangeCore() {
    }

    /**
     * An exchange in either request form: check the request, verify the subject token, decide, issue.
     *
     * @param sourcePolicy the source client's policy after the rules that need no subject token ({@link #precheck}),
     *                     run inside the refusal handling; a form that already ran them hands over their result
     */
    static Response exchange(TokenRequestContext call, ExchangeRequest request, String subjectToken,
                             Supplier<OboClientPolicy> sourcePolicy) {
        // what was asked for, also on a refusal; an issued token replaces audience and scope with what was granted
        EventBuilder event = call.event();
        if (!request.audiences().isEmpty()) {
            event.detail(Details.AUDIENCE, SpaceSeparated.join(request.audiences()));
        }
        if (!request.resources().isEmpty()) {
            event.detail(DETAIL_RESOURCE, SpaceSeparated.join(request.resources()));
        }
        if (!request.scopes().isEmpty()) {
            event.detail(Details.SCOPE, SpaceSeparated.join(request.scopes()));
        }
        return guarded(call, request.form(), () -> {
            OboClientPolicy policy = sourcePolicy.get();
            OboSubject subject = new SubjectTokenVerifier(call.session(), call.realm(), call.issuer(),
                    request.form().subjectTokenError()).verify(subjectToken);
            return decideAndIssue(call, request, subject, policy);
        });
    }

    /**
     * The rules that need neither the subject token nor Keycloak's state, first of all (design.md section 4): the
     * source is a confidential client with a well-formed OBO policy, the request is well-formed. Throws the refusal.
     */
    static OboClientPolicy precheck(ClientModel client, ExchangeRequest request) {
        OboClientPolicy policy = sourcePolicy(client);
        checkRequest(request);
        return policy;
    }

    /** The rules on the request itself ({@link OboPolicyEngine#checkRequest}); throws the refusal. */
    static void checkRequest(ExchangeRequest request) {
        OboPolicyEngine.checkRequest(request).ifPresent(denial -> {
            throw new OboDeniedException(denial);
        });
    }

    /**
     * The source client's OBO policy, read once from its attributes; a public client, a malformed {@code obo.*}
     * attribute or a client not enabled for OBO is refused.
     */
    static OboClientPolicy sourcePolicy(ClientModel client) {
        OboClientAttributes attributes = OboClientAttributes.read(client::getAttribute);
        OboPolicyEngine.checkSource(client.getClientId(), client.isPublicClient(), attributes).ifPresent(denial -> {
            throw new OboDeniedException(denial);
        });
        return attributes.policy();
    }

    /**
     * The RFC 8693 request that an Entra-form request or an OBO refresh amounts to, so that the realm's client
     * policies on token exchange (the {@code obo-policy} executor's ceilings among them) apply to it exactly as to an
     * exchange.
     */
    static TokenExchangeContext equivalentExchange(TokenRequestContext call, ClientConnection connection, HttpHeaders headers,
                                                   String subjectToken, List<String> audiences, List<String> resources,
                                                   Collection<String> scopes) {
        MultivaluedMap<String, String> equivalent = new MultivaluedHashMap<>();
        equivalent.putSingle(OAuth2Constants.GRANT_TYPE, OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE);
        if (subjectToken != null) {
            equivalent.putSingle(OAuth2Constants.SUBJECT_TOKEN, subjectToken);
        }
        equivalent.putSingle(OAuth2Constants.SUBJECT_TOKEN_TYPE, TokenTypes.ACCESS_TOKEN);
        audiences.forEach(a -> equivalent.add(OAuth2Constants.AUDIENCE, a));
        resources.forEach(r -> equivalent.add(OAuth2Constants.RESOURCE, r));
        if (!scopes.isEmpty()) {
            equivalent.putSingle(OAuth2Constants.SCOPE, SpaceSeparated.join(new LinkedHashSet<>(scopes)));
        }
        return new TokenExchangeContext(call.session(), equivalent, call.cors(), call.realm(), call.event(),
                call.client(), connection, headers, call.tokenManager(), call.clientAuthAttributes());
    }

    /**
     * Runs OBO work and answers each refusal as the request form wants it (with its audit event). A fault that is not
     * a refusal is the server's: {@code 500 server_error}, logged once, never a token.
     */
    static Response guarded(TokenRequestContext call, RequestForm form, Supplier<Response> work) {
        if (OboMetrics.get().enabled()) {
            call.session().setAttribute(STARTED_ATTRIBUTE, System.nanoTime());
        }
        call.event().detail(DETAIL_REQUEST_FORM, form.auditName());
        KeycloakApi keycloak = KeycloakApi.get();
        if (!keycloak.supported()) {
            throw refuse(call.session(), call.event(), call.cors(), call.client(),
                    Denial.of(OAuthError.UNAUTHORIZED_CLIENT, "keycloak_unsupported",
                            keycloak.unsupportedDescription()));
        }
        try {
            return work.get();
        } catch (OboDeniedException e) {
            throw refuse(call.session(), call.event(), call.cors(), call.client(), form.answer(e.denial()));
        } catch (WebApplicationException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            LOG.errorf(e, "On-behalf-of %s for client '%s' failed unexpectedly", form.auditName(),
                    call.client().getClientId());
            call.event().detail(Details.REASON, "server_error");
            call.event().error(SERVER_ERROR);
            measure(call.session(), call.event());
            throw new CorsErrorResponseException(call.cors(), SERVER_ERROR,
                    "The on-behalf-of request could not be completed because of a server error",
                    Response.Status.INTERNAL_SERVER_ERROR);
        }
    }

    /**
     * The one decision and issuance of OBO tokens, for an exchange and for every refresh: the pure decision on the
     * request and the subject's facts, then the token through {@link OboTokenIssuer}.
     */
    static Response decideAndIssue(TokenRequestContext call, ExchangeRequest request, OboSubject subject,
                                   OboClientPolicy policy) {
        KeycloakSession session = call.session();
        RealmModel realm = call.realm();
        ClientModel client = call.client();
        EventBuilder event = call.event();

        event.user(subject.user());
        event.detail(Details.USERNAME, subject.user().getUsername());
        event.session(subject.userSession().getId());
        event.detail(Details.SUBJECT_TOKEN_CLIENT_ID, subject.facts().issuedFor());
        if (subject.facts().tokenId() != null && request.form() != RequestForm.REFRESH) {
            event.detail(DETAIL_SUBJECT_TOKEN_ID, subject.facts().tokenId());
        }
        // the hop count of the token this request would issue, as on success
        event.detail(DETAIL_HOPS, String.valueOf(subject.facts().hops() + 1));

        RealmCeilings ceilings = Optional.ofNullable(session.getAttribute(REALM_CEILINGS_ATTRIBUTE, RealmCeilings.class))
                .orElse(RealmCeilings.DEFAULT);
        // each target client looked up once, for the policy and the issuer
        Map<String, Optional<ClientModel>> targetClients = new HashMap<>();
        // the policy's view of the source's scopes. Optional scopes only matter when the request names scopes:
        // without a scope parameter none of them can be in the token, so the policy's answer for them would restrict
        // nothing.
        Map<String, ClientScopeModel> defaultScopes = client.getClientScopes(true);
        Map<String, ClientScopeModel> optionalScopes =
                request.scopes().isEmpty() ? Map.of() : client.getClientScopes(false);
        Decision decision = OboPolicyEngine.decide(request, subject.facts(), policy, ceilings,
                id -> targetClients.computeIfAbsent(id, key -> Optional.ofNullable(realm.getClientByClientId(key)))
                        .map(target -> asTarget(realm, target)),
                sourceScopes(defaultScopes, optionalScopes), Time.currentTime());
        if (decision instanceof Decision.Deny deny) {
            throw new OboDeniedException(deny.denial());
        }
        Decision.Allow allow = (Decision.Allow) decision;

        List<ClientModel> targets = new ArrayList<>(allow.audiences().size());
        for (String clientId : allow.audiences()) {
            targets.add(targetClients.get(clientId).orElseThrow());
        }
        AccessTokenResponse response = OboTokenIssuer.issue(call, subject, allow, targets);

        event.detail(Details.AUDIENCE, SpaceSeparated.join(allow.audiences()));
        event.detail(Details.SCOPE, response.getScope() == null ? "" : response.getScope());
        event.detail(DETAIL_HOPS, String.valueOf(allow.hops()));
        if (request.form() != RequestForm.REFRESH) {
            event.detail(Details.REQUESTED_TOKEN_TYPE, allow.refreshToken()
                    ? OAuth2Constants.REFRESH_TOKEN_TYPE : OAuth2Constants.ACCESS_TOKEN_TYPE);
        }
        event.success();
        measure(session, event);
        return call.cors().add(Response.ok(response, MediaType.APPLICATION_JSON_TYPE));
    }

    private static Target asTarget(RealmModel realm, ClientModel client) {
        return new Target(client.getClientId(), client.isEnabled(),
                OboClientAttributes.resources(client::getAttribute),
                OptionalInt.of(accessTokenLifespan(realm, client)));
    }

    /**
     * The client's own access token lifespan ({@code access.token.lifespan}), else the realm's. Keycloak itself fails
     * on an unreadable value and reads {@code -1} as "until the SSO session ends"; here both mean the realm's
     * lifespan, the shorter choice (the subject token's {@code exp} caps the result anyway).
     */
    private static int accessTokenLifespan(RealmModel realm, ClientModel client) {
        String own = client.getAttribute(OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN);
        if (own != null && !own.isBlank()) {
            try {
                int seconds = Integer.parseInt(own.trim());
                if (seconds > 0) {
                    return seconds;
                }
            } catch (NumberFormatException ignored) {
                // the realm's lifespan, below
            }
        }
        return realm.getAccessTokenLifespan();
    }

    private static List<SourceScope> sourceScopes(Map<String, ClientScopeModel> defaultScopes,
                                                  Map<String, ClientScopeModel> optionalScopes) {
        List<SourceScope> scopes = new ArrayList<>();
        for (ClientScopeModel scope : defaultScopes.values()) {
            scopes.add(new SourceScope(scope.getName(), true, scope.isIncludeInTokenScope()));
        }
        for (ClientScopeModel scope : optionalScopes.values()) {
            scopes.add(new SourceScope(scope.getName(), false, scope.isIncludeInTokenScope()));
        }
        scopes.add(new SourceScope(OAuth2Constants.SCOPE_OPENID, false, true));
        return scopes;
    }

    /** Runs the realm's client policies on {@code context}; their refusal is answered as Keycloak's own grants do. */
    static void triggerClientPolicies(KeycloakSession session, EventBuilder event, Cors cors,
                                      ClientPolicyContext context) {
        try {
            session.clientPolicy().triggerOnEvent(context);
        } catch (ClientPolicyException cpe) {
            event.detail(Details.REASON, Details.CLIENT_POLICY_ERROR);
            event.detail(Details.CLIENT_POLICY_ERROR, cpe.getError());
            event.detail(Details.CLIENT_POLICY_ERROR_DETAIL, cpe.getErrorDetail());
            throw refusal(session, event, cors, cpe.getError(), cpe.getErrorDetail(), cpe.getErrorStatus());
        }
    }

    /** Records the refusal in the audit event and answers it as an OAuth error. */
    static CorsErrorResponseException refuse(KeycloakSession session, EventBuilder event, Cors cors, ClientModel client,
                                             Denial denial) {
        LOG.debugf("On-behalf-of exchange refused for client '%s': %s", client.getClientId(), denial.reason());
        if (denial.reason().equals(OboClientPolicy.MISCONFIGURED) && REPORTED_MISCONFIGURATIONS.size() < 1000
                && REPORTED_MISCONFIGURATIONS.add(client.getId() + " " + denial.description())) {
            // once per client and configuration: the administrator has to fix it, the clients cannot
            LOG.warnf("Realm '%s': %s. Every on-behalf-of exchange and refresh of this client is refused until it is "
                    + "fixed", client.getRealm().getName(), denial.description());
        }
        event.detail(Details.REASON, denial.reason() + ": " + denial.description());
        return refusal(session, event, cors, denial.error().code(), denial.description(),
                Response.Status.fromStatusCode(denial.error().httpStatus()));
    }

    /** The one way a refusal leaves the OBO code: the audit event's error, the metrics, the OAuth error answer. */
    private static CorsErrorResponseException refusal(KeycloakSession session, EventBuilder event, Cors cors,
                                                      String error, String description, Response.Status status) {
        event.error(error);
        measure(session, event);
        return new CorsErrorResponseException(cors, error, description, status);
    }

    /**
     * Counts (and, when its OBO work was timed, times) an answered request, with the tags its audit event just
     * recorded: realm, client, {@code obo_request_form}, {@code audience} (issued, or asked for on a refusal) and error.
     */
    private static void measure(KeycloakSession session, EventBuilder event) {
        OboMetrics metrics = OboMetrics.get();
        if (!metrics.enabled()) {
            return;
        }
        try {
            Object started = session.getAttribute(STARTED_ATTRIBUTE);
            long nanos = started instanceof Long t0 ? System.nanoTime() - t0 : -1;
            org.keycloak.events.Event audit = event.getEvent();
            Map<String, String> details = audit.getDetails() == null ? Map.of() : audit.getDetails();
            RealmModel realm = session.getContext().getRealm();
            metrics.record(realm != null ? realm.getName() : audit.getRealmName(), audit.getClientId(),
                    details.get(DETAIL_REQUEST_FORM), SpaceSeparated.split(details.get(Details.AUDIENCE)),
                    id -> realm != null && realm.getClientByClientId(id) != null, audit.getError(), nanos);
        } catch (RuntimeException e) {
            // a meter never changes the answer: the token or the refusal goes out as decided
            LOG.debugf(e, "On-behalf-of metrics not recorded");
        }
    }
}
