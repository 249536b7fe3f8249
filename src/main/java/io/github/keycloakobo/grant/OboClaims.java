package io.github.keycloakobo.grant;

/** The private claims this extension writes into access tokens. */
public final class OboClaims {

    /** The clients that exchanged the token, oldest first; its length is the hop count (design.md section 5). */
    public static final String OBO_PATH = "obo_path";

    private OboClaims() {
    }
}
