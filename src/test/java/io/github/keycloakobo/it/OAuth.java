package io.github.keycloakobo.it;

/** The OAuth/OIDC endpoints of one realm, for the tests' token requests. */
public final class OAuth {

    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    public static final String REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token";
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    public static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    public static final String SAML2_TYPE = "urn:ietf:params:oauth:token-type:saml2";

    private final String baseUrl;
    private final String realm;

    public OAuth(String baseUrl, String realm) {
        this.baseUrl = baseUrl;
        this.realm = realm;
    }

    public String issuer() {
        return baseUrl + "/realms/" + realm;
    }

    public String tokenEndpoint() {
        return issuer() + "/protocol/openid-connect/token";
    }

    public String introspectionEndpoint() {
        return tokenEndpoint() + "/introspect";
    }

    public String revocationEndpoint() {
        return issuer() + "/protocol/openid-connect/revoke";
    }

    public String discoveryUrl() {
        return issuer() + "/.well-known/openid-configuration";
    }

    /** Resource-owner password grant at a public client (direct access grants are on for the test apps). */
    public HttpResult passwordGrant(String publicClientId, String username, String password, String scope) {
        return ClientAuth.publicClient(publicClientId).post(tokenEndpoint(),
                Form.of("grant_type", "password", "username", username, "password", password).add("scope", scope));
    }

    /** A user login that must succeed. */
    public Tokens login(String publicClientId, String username, String password, String scope) {
        HttpResult r = passwordGrant(publicClientId, username, password, scope);
        if (r.status() != 200) {
            throw new IllegalStateException("login of " + username + " at " + publicClientId + " failed: "
                    + r.describe());
        }
        return new Tokens(r);
    }

    public HttpResult clientCredentials(ClientAuth client) {
        return client.post(tokenEndpoint(), Form.of("grant_type", "client_credentials"));
    }

    public HttpResult refresh(ClientAuth client, String refreshToken) {
        return client.post(tokenEndpoint(), Form.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** Any token-endpoint request, as given. */
    public HttpResult token(ClientAuth client, Form form) {
        return client.post(tokenEndpoint(), form);
    }

    public HttpResult introspect(ClientAuth client, String token) {
        return client.post(introspectionEndpoint(), Form.of("token", token));
    }

    public HttpResult revoke(ClientAuth client, String token, String tokenTypeHint) {
        return client.post(revocationEndpoint(), Form.of("token", token).add("token_type_hint", tokenTypeHint));
    }

    /** Starts an RFC 8693 token-exchange request by {@code client}. */
    public Exchange exchange(ClientAuth client) {
        return new Exchange(client);
    }

    /** Starts an Entra-style on-behalf-of request ({@code jwt-bearer} grant, {@code requested_token_use}). */
    public Exchange entraOnBehalfOf(ClientAuth client, String assertion) {
        Exchange e = new Exchange(client);
        e.form.remove("grant_type").add("grant_type", JWT_BEARER).add("requested_token_use", "on_behalf_of")
                .add("assertion", assertion);
        return e;
    }

    /** Builder of one exchange request. */
    public final class Exchange {
        private final ClientAuth client;
        final Form form = Form.of("grant_type", TOKEN_EXCHANGE);

        private Exchange(ClientAuth client) {
            this.client = client;
        }

        /** {@code subject_token} with {@code subject_token_type=access_token}. */
        public Exchange subject(String token) {
            return subject(token, ACCESS_TOKEN_TYPE);
        }

        public Exchange subject(String token, String tokenType) {
            form.add("subject_token", token).add("subject_token_type", tokenType);
            return this;
        }

        public Exchange audience(String... audiences) {
            for (String a : audiences) {
                form.add("audience", a);
            }
            return this;
        }

        public Exchange resource(String... resources) {
            for (String r : resources) {
                form.add("resource", r);
            }
            return this;
        }

        public Exchange scope(String scope) {
            form.add("scope", scope);
            return this;
        }

        public Exchange requestedTokenType(String type) {
            form.add("requested_token_type", type);
            return this;
        }

        public Exchange param(String name, String value) {
            form.add(name, value);
            return this;
        }

        /** Drops every value of a parameter set so far. */
        public Exchange without(String name) {
            form.remove(name);
            return this;
        }

        public HttpResult send() {
            return client.post(tokenEndpoint(), form);
        }
    }
}
