package io.github.keycloakobo.grant;

import org.keycloak.representations.AccessToken;

/** The private claims this extension writes. */
public final class OboClaims {

    /** The clients that exchanged the token, oldest first; its length is the hop count (design.md section 5). */
    public static final String OBO_PATH = "obo_path";
    /** In an OBO refresh token: the exact audience of the exchanged token. */
    public static final String OBO_AUDIENCE = "obo_aud";
    /** In an OBO refresh token: the exact scope of the exchanged token. */
    public static final String OBO_SCOPE = "obo_scope";
    /** In an OBO refresh token: the lifetime in seconds of the exchanged token, which refreshed tokens keep. */
    public static final String OBO_LIFETIME = "obo_lifetime";

    private OboClaims() {
    }

    public static boolean isExchanged(AccessToken token) {
        return token != null && token.getOtherClaims().containsKey(OBO_PATH);
    }
}
