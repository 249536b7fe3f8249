package io.github.keycloakobo.policy;

/** How the source API asked: the RFC 8693 token exchange, or Microsoft Entra's jwt-bearer OBO request. */
public enum RequestForm {
    TOKEN_EXCHANGE("urn:ietf:params:oauth:grant-type:token-exchange"),
    JWT_BEARER_OBO("urn:ietf:params:oauth:grant-type:jwt-bearer");

    private final String grantType;

    RequestForm(String grantType) {
        this.grantType = grantType;
    }

    public String grantType() {
        return grantType;
    }

    /**
     * The error for an unusable subject token. RFC 7523 calls an unacceptable assertion
     * {@code invalid_grant}; RFC 8693 treats the subject token as a request parameter.
     */
    public OAuthError subjectTokenError() {
        return this == JWT_BEARER_OBO ? OAuthError.INVALID_GRANT : OAuthError.INVALID_REQUEST;
    }
}
