package io.github.keycloakobo.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code scope} of a Microsoft Entra OBO request ({@code <target>/.default}, {@code <target>/<scope>},
 * {@code api://<target>/<scope>}, plus OpenID scopes without a target) as RFC 8693 targets and scopes.
 *
 * <p>{@code <target>} is a client id, {@code api://<client id>} as Entra writes application ID URIs, or any other
 * absolute URI, which is taken as a resource indicator ({@code obo.resource} of a target). {@code .default} asks
 * for the target's default scopes only. {@code offline_access} asks for a refresh token, as in Entra. MSAL adds
 * {@code openid profile offline_access} to every request; {@code openid} and {@code profile} are therefore not taken
 * as explicit requests (the source's default scopes apply as usual).
 *
 * <p>The answer speaks the request's vocabulary ({@link #answerScope}): MSAL stores the token under the answer's
 * {@code scope} and serves a repeated {@code acquireTokenOnBehalfOf} from its cache only when that stored set contains
 * every requested scope other than {@code openid profile offline_access email} (compared case-insensitively), so an
 * answer in Keycloak's vocabulary ({@code profile email}) would never be a cache hit.
 *
 * @param audience       the target client id, or null
 * @param resource       the target resource indicator, or null
 * @param scopes         the explicitly requested scopes
 * @param offlineAccess  whether {@code offline_access} was requested
 * @param requested      the request's scopes as written, in order, without repeats and without MSAL's reserved
 *                       {@code openid profile offline_access}
 */
public record EntraScopes(String audience, String resource, Set<String> scopes, boolean offlineAccess,
                          List<String> requested) {

    public static final String DEFAULT_SCOPE = ".default";
    public static final String OFFLINE_ACCESS = "offline_access";
    private static final String API_SCHEME = "api://";
    private static final Set<String> MSAL_RESERVED = Set.of("openid", "profile");

    public EntraScopes {
        scopes = Set.copyOf(scopes);
        requested = List.copyOf(requested);
    }

    /**
     * The {@code scope} of a successful answer, in the Entra vocabulary of the request as Entra answers: what was
     * asked for ({@code inventory-api/.default}, {@code api://inventory-api/stock.read}, a bare {@code email}), since
     * a successful exchange grants every explicitly requested scope (an explicit scope it cannot grant is refused
     * with {@code invalid_scope}). A request that names nothing beyond MSAL's reserved scopes has nothing to speak
     * of in that vocabulary: the answer then keeps the issued token's own {@code scope}.
     *
     * @param tokenScope the issued token's {@code scope} (Keycloak's client scopes), may be null
     */
    public String answerScope(String tokenScope) {
        return requested.isEmpty() ? tokenScope : SpaceSeparated.join(requested);
    }

    public List<String> audiences() {
        return audience == null ? List.of() : List.of(audience);
    }

    public List<String> resources() {
        return resource == null ? List.of() : List.of(resource);
    }

    /** Parses the scope parameter; several different targets are {@code invalid_target}, as in Entra. */
    public static EntraScopes parse(String scopeParameter) {
        String target = null;
        Set<String> scopes = new LinkedHashSet<>();
        Set<String> requested = new LinkedHashSet<>();
        boolean offline = false;
        for (String item : SpaceSeparated.split(scopeParameter)) {
            int slash = item.lastIndexOf('/');
            if (slash < 0) {
                if (item.equals(OFFLINE_ACCESS)) {
                    offline = true;
                } else if (!MSAL_RESERVED.contains(item)) {
                    scopes.add(item);
                    requested.add(item);
                }
                continue;
            }
            String itemTarget = item.substring(0, slash);
            String name = item.substring(slash + 1);
            if (itemTarget.isEmpty() || name.isEmpty()) {
                throw new OboDeniedException(OAuthError.INVALID_SCOPE, "malformed_scope",
                        "Scope '" + item + "' is not of the form <target>/<scope> or <target>/.default");
            }
            if (target != null && !target.equals(itemTarget)) {
                throw new OboDeniedException(OAuthError.INVALID_TARGET, "several_targets",
                        "Scopes name more than one target ('" + target + "' and '" + itemTarget
                                + "'); request tokens for one target at a time");
            }
            target = itemTarget;
            requested.add(item);
            if (!name.equals(DEFAULT_SCOPE)) {
                scopes.add(name);
            }
        }
        List<String> asWritten = List.copyOf(requested);
        if (target == null) {
            return new EntraScopes(null, null, scopes, offline, asWritten);
        }
        if (target.startsWith(API_SCHEME) && target.indexOf('/', API_SCHEME.length()) < 0) {
            return new EntraScopes(target.substring(API_SCHEME.length()), null, scopes, offline, asWritten);
        }
        if (target.contains("://")) {
            return new EntraScopes(null, target, scopes, offline, asWritten);
        }
        return new EntraScopes(target, null, scopes, offline, asWritten);
    }
}
