package io.github.keycloakobo.it;

/** A successful token response (from a login, refresh or exchange). Never printed with its token values. */
public final class Tokens {

    private final HttpResult response;

    Tokens(HttpResult response) {
        this.response = response;
    }

    public HttpResult response() {
        return response;
    }

    public String accessToken() {
        return response.field("access_token");
    }

    public String refreshToken() {
        return response.field("refresh_token");
    }

    public String idToken() {
        return response.field("id_token");
    }

    public Jwt access() {
        return Jwt.parse(accessToken());
    }

    public Jwt id() {
        return Jwt.parse(idToken());
    }

    @Override
    public String toString() {
        return "Tokens[" + response.describe() + "]";
    }
}
