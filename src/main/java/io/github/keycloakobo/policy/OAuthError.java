package io.github.keycloakobo.policy;

/** The RFC 6749 / RFC 8693 / RFC 7523 error codes this extension answers with. */
public enum OAuthError {
    INVALID_REQUEST("invalid_request", 400),
    INVALID_CLIENT("invalid_client", 400),
    UNAUTHORIZED_CLIENT("unauthorized_client", 400),
    INVALID_GRANT("invalid_grant", 400),
    INVALID_TARGET("invalid_target", 400),
    INVALID_SCOPE("invalid_scope", 400);

    private final String code;
    private final int httpStatus;

    OAuthError(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
