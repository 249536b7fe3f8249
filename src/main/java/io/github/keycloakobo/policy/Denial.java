package io.github.keycloakobo.policy;

import java.util.Objects;

/**
 * A refused exchange: the OAuth error, the description sent to the client, and a short machine-friendly
 * reason recorded in the audit event.
 */
public record Denial(OAuthError error, String description, String reason) {

    public Denial {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(reason, "reason");
    }

    public static Denial of(OAuthError error, String reason, String description) {
        return new Denial(error, description, reason);
    }
}
