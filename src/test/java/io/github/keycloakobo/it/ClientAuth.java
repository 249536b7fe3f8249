package io.github.keycloakobo.it;

/** How a request authenticates its client at the token, introspection and revocation endpoints. */
public final class ClientAuth {

    private enum Kind { BASIC, POST, PUBLIC, NONE }

    private final Kind kind;
    private final String clientId;
    private final String secret;

    private ClientAuth(Kind kind, String clientId, String secret) {
        this.kind = kind;
        this.clientId = clientId;
        this.secret = secret;
    }

    /** {@code client_secret_basic}. */
    public static ClientAuth basic(String clientId, String secret) {
        return new ClientAuth(Kind.BASIC, clientId, secret);
    }

    /** {@code client_secret_post}. */
    public static ClientAuth post(String clientId, String secret) {
        return new ClientAuth(Kind.POST, clientId, secret);
    }

    /** A public client: {@code client_id} only. */
    public static ClientAuth publicClient(String clientId) {
        return new ClientAuth(Kind.PUBLIC, clientId, null);
    }

    /** No client identification at all. */
    public static ClientAuth none() {
        return new ClientAuth(Kind.NONE, null, null);
    }

    public String clientId() {
        return clientId;
    }

    /** The client secret (test-only values of the test realm), or null. */
    public String secret() {
        return secret;
    }

    /** Same client, authenticated with {@code client_secret_post}. */
    public ClientAuth asPost() {
        return new ClientAuth(Kind.POST, clientId, secret);
    }

    /** Same client, with another secret. */
    public ClientAuth withSecret(String otherSecret) {
        return new ClientAuth(kind == Kind.POST ? Kind.POST : Kind.BASIC, clientId, otherSecret);
    }

    HttpResult post(String url, Form form) {
        Form f = form.copy();
        switch (kind) {
            case BASIC:
                return Http.postForm(url, f, clientId, secret);
            case POST:
                f.add("client_id", clientId).add("client_secret", secret);
                return Http.postForm(url, f);
            case PUBLIC:
                f.add("client_id", clientId);
                return Http.postForm(url, f);
            default:
                return Http.postForm(url, f);
        }
    }

    @Override
    public String toString() {
        return kind + "(" + clientId + ")";
    }
}
