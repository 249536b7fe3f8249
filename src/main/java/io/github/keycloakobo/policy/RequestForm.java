package io.github.keycloakobo.policy;

/**
 * How the source API asked: the RFC 8693 token exchange, Microsoft Entra's jwt-bearer OBO request, or the refresh of
 * a refresh token that an exchange issued (a new decision on the facts the refresh token recorded).
 */
public enum RequestForm {
    TOKEN_EXCHANGE("urn:ietf:params:oauth:grant-type:token-exchange"),
    JWT_BEARER_OBO("urn:ietf:params:oauth:grant-type:jwt-bearer"),
    REFRESH("refresh_token");

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
        return this == TOKEN_EXCHANGE ? OAuthError.INVALID_REQUEST : OAuthError.INVALID_GRANT;
    }

    /** The answer to a refusal by any rule: a refused refresh is always {@code invalid_grant} (RFC 6749 5.2). */
    public Denial answer(Denial denial) {
        return this == REFRESH && denial.error() != OAuthError.INVALID_GRANT
                ? new Denial(OAuthError.INVALID_GRANT, denial.description(), denial.reason())
                : denial;
    }

    /** The value of the audit detail {@code obo_request_form}. */
    public String auditName() {
        return switch (this) {
            case TOKEN_EXCHANGE -> "rfc8693";
            case JWT_BEARER_OBO -> "entra";
            case REFRESH -> "refresh";
        };
    }
}
