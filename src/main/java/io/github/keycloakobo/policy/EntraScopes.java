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
 * @param audience       the target client id, or null
 * @param resource       the target resource indicator, or null
 * @param scopes         the explicitly requested scopes
 * @param offlineAccess  whether {@code offline_access} was requested
 */
public record EntraScopes(String audience, String resource, Set<String> scopes, boolean offlineAccess) {

    public static final String DEFAULT_SCOPE = ".default";
    public static final String OFFLINE_ACCESS = "offline_access";
    private static final String API_SCHEME = "api://";
    private static final Set<String> MSAL_RESERVED = Set.of("openid", "profile");

    public EntraScopes {
        scopes = Set.copyOf(scopes);
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
        boolean offline = false;
        for (String item : SpaceSeparated.split(scopeParameter)) {
            int slash = item.lastIndexOf('/');
            if (slash < 0) {
                if (item.equals(OFFLINE_ACCESS)) {
                    offline = true;
                } else if (!MSAL_RESERVED.contains(item)) {
                    scopes.add(item);
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
            if (!name.equals(DEFAULT_SCOPE)) {
                scopes.add(name);
            }
        }
        if (target == null) {
            return new EntraScopes(null, null, scopes, offline);
        }
        if (target.startsWith(API_SCHEME) && target.indexOf('/', API_SCHEME.length()) < 0) {
            return new EntraScopes(target.substring(API_SCHEME.length()), null, scopes, offline);
        }
        if (target.contains("://")) {
            return new EntraScopes(null, target, scopes, offline);
        }
        return new EntraScopes(target, null, scopes, offline);
    }
}
