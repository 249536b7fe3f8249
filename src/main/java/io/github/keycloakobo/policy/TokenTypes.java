package io.github.keycloakobo.policy;

/** RFC 8693 token type identifiers. */
public final class TokenTypes {
    public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    public static final String REFRESH_TOKEN = "urn:ietf:params:oauth:token-type:refresh_token";
    public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

    private TokenTypes() {
    }
}
