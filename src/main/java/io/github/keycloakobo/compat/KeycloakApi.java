package io.github.keycloakobo.compat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.logging.Logger;
import org.keycloak.common.Profile;
import org.keycloak.common.Version;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.context.TokenRefreshContext;
import org.keycloak.services.util.DefaultClientSessionContext;

/**
 * The Keycloak APIs that differ between the supported lines (26.4, 26.5, 26.7), each behind one adapter, chosen once
 * when this class loads by probing what the running Keycloak has. The OBO code calls these and nothing
 * version-specific. On a Keycloak outside the supported lines {@link #supported()} is false: the providers then refuse
 * every OBO request with a clean OAuth error instead of failing inside Keycloak.
 */
public final class KeycloakApi {

    /** The lines this jar is built and tested for, as administrators read them. */
    public static final String SUPPORTED_LINES = String.join(", ",
            SupportedVersions.LINES.stream().map(line -> line + ".x").toList());

    private static final Logger LOG = Logger.getLogger(KeycloakApi.class);
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

    private static final KeycloakApi INSTANCE = resolve(Version.VERSION);

    private final String version;
    private final String unsupportedReason;
    private final RestrictedScopes restrictedScopes;
    private final ConsentCheck consentCheck;
    private final ClientSessionContexts clientSessionContexts;
    private final RefreshPolicyContexts refreshPolicyContexts;
    private final JwtAuthorizationGrant jwtAuthorizationGrant;

    private KeycloakApi(String version, String unsupportedReason, RestrictedScopes restrictedScopes,
                        ConsentCheck consentCheck, ClientSessionContexts clientSessionContexts,
                        RefreshPolicyContexts refreshPolicyContexts, JwtAuthorizationGrant jwtAuthorizationGrant) {
        this.version = version;
        this.unsupportedReason = unsupportedReason;
        this.restrictedScopes = restrictedScopes;
        this.consentCheck = consentCheck;
        this.clientSessionContexts = clientSessionContexts;
        this.refreshPolicyContexts = refreshPolicyContexts;
        this.jwtAuthorizationGrant = jwtAuthorizationGrant;
    }

    /** The adapters for the running Keycloak. */
    public static KeycloakApi get() {
        return INSTANCE;
    }

    /** Logs, once at start-up, which Keycloak was found and whether the extension serves it. */
    public static void announce() {
        if (INSTANCE.supported()) {
            LOG.infof("keycloak-obo: Keycloak %s supported (%s)", INSTANCE.version, SUPPORTED_LINES);
        } else {
            LOG.errorf("keycloak-obo: Keycloak %s is not supported (supported: %s): %s. On-behalf-of requests are "
                    + "refused until the extension matches this Keycloak", INSTANCE.version, SUPPORTED_LINES,
                    INSTANCE.unsupportedReason);
        }
    }

    public boolean supported() {
        return unsupportedReason == null;
    }

    /** The running Keycloak's version, as it reports it. */
    public String version() {
        return version;
    }

    /** One sentence for a refused client: why on-behalf-of exchange is not available here. */
    public String unsupportedDescription() {
        return "On-behalf-of exchange is not available: this Keycloak (" + version + ") is not one the extension "
                + "supports (" + SUPPORTED_LINES + ")";
    }

    /** Scopes a client policy already limited the exchange to (Keycloak 26.5+), or null. */
    public Set<String> restrictedScopes(TokenExchangeContext context) {
        return restrictedScopes.of(context);
    }

    /** Whether the user still consents to what the client asks for with {@code scopeParameter}. */
    public boolean consentStillAvailable(KeycloakSession session, UserModel user, ClientModel client,
                                         String scopeParameter) {
        return consentCheck.stillAvailable(session, user, client, scopeParameter);
    }

    /** A client session context of exactly these client scopes. */
    public ClientSessionContext clientSessionContext(AuthenticatedClientSessionModel clientSession,
                                                     Set<ClientScopeModel> clientScopes, KeycloakSession session) {
        return clientSessionContexts.of(clientSession, clientScopes, session);
    }

    /** The client-policy context of a refresh-token request. */
    public ClientPolicyContext refreshPolicyContext(MultivaluedMap<String, String> params, ClientModel client,
                                                    String scopeParameter) {
        return refreshPolicyContexts.of(params, client, scopeParameter);
    }

    /** Keycloak's own RFC 7523 JWT authorization grant, where this Keycloak has it and the feature is on. */
    public Optional<OAuth2GrantType> jwtAuthorizationGrant() {
        return jwtAuthorizationGrant.create();
    }

    // ---------------------------------------------------------------- resolution

    static KeycloakApi resolve(String version) {
        String reason = SupportedVersions.problem(version);
        try {
            return new KeycloakApi(version, reason, RestrictedScopes.resolve(), ConsentCheck.resolve(),
                    ClientSessionContexts.resolve(), RefreshPolicyContexts.resolve(), JwtAuthorizationGrant.resolve());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            String problem = reason != null ? reason : "a Keycloak API the extension needs is missing (" + e + ")";
            return new KeycloakApi(version, problem, context -> null, (s, u, c, p) -> false, (cs, scopes, s) -> {
                throw new IllegalStateException(problem);
            }, (p, c, s) -> {
                throw new IllegalStateException(problem);
            }, Optional::empty);
        }
    }

    private static boolean hasMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            type.getMethod(name, parameters);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- one adapter per difference

    /** {@code TokenExchangeContext.getRestrictedScopes()}: 26.5 and later; 26.4 restricts nothing there. */
    @FunctionalInterface
    interface RestrictedScopes {
        Set<String> of(TokenExchangeContext context);

        static RestrictedScopes resolve() {
            return hasMethod(TokenExchangeContext.class, "getRestrictedScopes")
                    ? TokenExchangeContext::getRestrictedScopes
                    : context -> null;
        }
    }

    /**
     * {@code TokenManager.verifyConsentStillAvailable}: 26.7 takes the scope parameter (and a client session, none
     * here); 26.4 and 26.5 take the requested client scopes as a stream.
     */
    @FunctionalInterface
    interface ConsentCheck {
        boolean stillAvailable(KeycloakSession session, UserModel user, ClientModel client, String scopeParameter);

        static ConsentCheck resolve() throws ReflectiveOperationException {
            if (hasMethod(TokenManager.class, "verifyConsentStillAvailable", KeycloakSession.class, UserModel.class,
                    ClientModel.class, AuthenticatedClientSessionModel.class, String.class)) {
                return (session, user, client, scope) ->
                        TokenManager.verifyConsentStillAvailable(session, user, client, null, scope);
            }
            MethodHandle streamForm = LOOKUP.findStatic(TokenManager.class, "verifyConsentStillAvailable",
                    MethodType.methodType(boolean.class, KeycloakSession.class, UserModel.class, ClientModel.class,
                            Stream.class));
            return (session, user, client, scope) -> (boolean) invoke(streamForm, session, user, client,
                    TokenManager.getRequestedClientScopes(session, scope, client, user));
        }
    }

    /**
     * {@code DefaultClientSessionContext.fromClientSessionAndClientScopes}: 26.5 and later take restricted scopes
     * (none here) as a fourth argument.
     */
    @FunctionalInterface
    interface ClientSessionContexts {
        ClientSessionContext of(AuthenticatedClientSessionModel clientSession, Set<ClientScopeModel> scopes,
                                KeycloakSession session);

        static ClientSessionContexts resolve() throws ReflectiveOperationException {
            if (hasMethod(DefaultClientSessionContext.class, "fromClientSessionAndClientScopes",
                    AuthenticatedClientSessionModel.class, Set.class, Set.class, KeycloakSession.class)) {
                return (clientSession, scopes, session) -> DefaultClientSessionContext
                        .fromClientSessionAndClientScopes(clientSession, scopes, null, session);
            }
            MethodHandle threeArguments = LOOKUP.findStatic(DefaultClientSessionContext.class,
                    "fromClientSessionAndClientScopes", MethodType.methodType(DefaultClientSessionContext.class,
                            AuthenticatedClientSessionModel.class, Set.class, KeycloakSession.class));
            return (clientSession, scopes, session) ->
                    (ClientSessionContext) invoke(threeArguments, clientSession, scopes, session);
        }
    }

    /** {@code new TokenRefreshContext(...)}: 26.5 and later also take the scope parameter. */
    @FunctionalInterface
    interface RefreshPolicyContexts {
        ClientPolicyContext of(MultivaluedMap<String, String> params, ClientModel client, String scopeParameter);

        static RefreshPolicyContexts resolve() throws ReflectiveOperationException {
            try {
                TokenRefreshContext.class.getConstructor(MultivaluedMap.class, ClientModel.class, String.class);
                return TokenRefreshContext::new;
            } catch (NoSuchMethodException e) {
                MethodHandle twoArguments = LOOKUP.findConstructor(TokenRefreshContext.class,
                        MethodType.methodType(void.class, MultivaluedMap.class, ClientModel.class));
                return (params, client, scope) -> (ClientPolicyContext) invoke(twoArguments, params, client);
            }
        }
    }

    /** Keycloak's RFC 7523 grant: 26.5 (preview feature) and 26.7 (on by default); 26.4 has none. */
    @FunctionalInterface
    interface JwtAuthorizationGrant {
        Optional<OAuth2GrantType> create();

        String GRANT_CLASS = "org.keycloak.protocol.oidc.grants.JWTAuthorizationGrantType";
        String FEATURE = "JWT_AUTHORIZATION_GRANT";

        static JwtAuthorizationGrant resolve() throws ReflectiveOperationException {
            Optional<Profile.Feature> feature = Arrays.stream(Profile.Feature.values())
                    .filter(f -> f.name().equals(FEATURE)).findFirst();
            Class<?> grantClass;
            try {
                grantClass = Class.forName(GRANT_CLASS, false, OAuth2GrantType.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                return Optional::empty;
            }
            if (feature.isEmpty()) {
                return Optional::empty;
            }
            MethodHandle constructor = LOOKUP.findConstructor(grantClass, MethodType.methodType(void.class));
            return () -> Profile.isFeatureEnabled(feature.get())
                    ? Optional.of((OAuth2GrantType) invoke(constructor))
                    : Optional.empty();
        }
    }

    private static Object invoke(MethodHandle handle, Object... arguments) {
        try {
            return handle.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
